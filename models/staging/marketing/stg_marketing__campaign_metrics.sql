with

base_campaign_metrics as (

    select * from {{ ref('base_marketing__campaign_metrics').include(database=false) }}

),

staged_campaign_metrics as (

    select * from base_campaign_metrics
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        {{ surrogate_key([adapter.quote('campaignId'), adapter.quote('metricDate')]) }}
            as campaign_metric_id,
        {{ adapter.quote('campaignId') }} as campaign_id,
        {{ adapter.quote('metricDate') }} as metric_date,

        ---------- measures
        impressions,
        reach,
        likes,
        comments,
        shares,
        saves,
        {{ adapter.quote('videoViews') }} as video_views,
        {{ adapter.quote('videoCompletions') }} as video_completions,
        clicks,
        {{ adapter.quote('spendUsd') }} as spend_usd,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id

    from staged_campaign_metrics

)

select * from final
