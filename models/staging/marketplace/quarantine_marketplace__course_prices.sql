with

base_course_prices as (

    select * from {{ ref('base_marketplace__course_prices').include(database=false) }}

),

quarantined_course_prices as (

    select * from base_course_prices
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        price_change_id,
        course_id,
        list_price,
        currency,
        effective_at,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_course_prices

)

select * from final
