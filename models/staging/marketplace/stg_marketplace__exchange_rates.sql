with

base_exchange_rates as (

    select * from {{ ref('base_marketplace__exchange_rates').include(database=false) }}

),

staged_exchange_rates as (

    select * from base_exchange_rates
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        {{ surrogate_key(['rate_date', 'currency']) }} as exchange_rate_id,
        rate_date,
        currency as currency_code,

        ---------- measures
        usd_per_unit,

        ---------- lineage
        _loaded_at,
        _source_file,
        _batch_id

    from staged_exchange_rates

)

select * from final
