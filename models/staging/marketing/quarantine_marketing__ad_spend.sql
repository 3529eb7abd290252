with

base_ad_spend as (

    select * from {{ ref('base_marketing__ad_spend').include(database=false) }}

),

quarantined_ad_spend as (

    select * from base_ad_spend
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        spend_date,
        channel,
        impressions,
        clicks,
        spend_usd,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_ad_spend

)

select * from final
