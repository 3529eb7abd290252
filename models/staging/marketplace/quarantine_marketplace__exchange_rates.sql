with

base_exchange_rates as (

    select * from {{ ref('base_marketplace__exchange_rates').include(database=false) }}

),

quarantined_exchange_rates as (

    select * from base_exchange_rates
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        rate_date,
        currency,
        usd_per_unit,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_exchange_rates

)

select * from final
