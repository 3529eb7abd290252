with

base_course_prices as (

    select * from {{ ref('base_marketplace__course_prices').include(database=false) }}

),

staged_course_prices as (

    select * from base_course_prices
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        price_change_id,

        ---------- foreign keys
        course_id,

        ---------- attributes
        currency as currency_code,

        ---------- timestamps (UTC)
        effective_at,

        ---------- measures
        list_price,

        ---------- lineage
        _loaded_at,
        _source_file,
        _batch_id

    from staged_course_prices

)

select * from final
