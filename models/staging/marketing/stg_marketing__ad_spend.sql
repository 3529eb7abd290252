with

base_ad_spend as (

    select * from {{ ref('base_marketing__ad_spend').include(database=false) }}

),

staged_ad_spend as (

    select * from base_ad_spend
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        {{ surrogate_key(['spend_date', 'channel']) }} as ad_spend_id,
        spend_date,
        channel,

        ---------- measures
        impressions,
        clicks,
        spend_usd,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id

    from staged_ad_spend

)

select * from final
