with

base_campaign_metrics as (

    select * from {{ ref('base_marketing__campaign_metrics').include(database=false) }}

),

quarantined_campaign_metrics as (

    select * from base_campaign_metrics
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        {{ adapter.quote('campaignId') }},
        {{ adapter.quote('metricDate') }},
        impressions,
        reach,
        likes,
        comments,
        shares,
        saves,
        {{ adapter.quote('videoViews') }},
        {{ adapter.quote('videoCompletions') }},
        clicks,
        {{ adapter.quote('spendUsd') }},

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_campaign_metrics

)

select * from final
