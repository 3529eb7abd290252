with

base_campaign_metrics as (

    select * from {{ ref('base_marketing__campaign_metrics') }}

),

staged_campaign_metrics as (

    select * from base_campaign_metrics
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        {{ surrogate_key(['"campaignId"', '"metricDate"']) }} as campaign_metric_id,
        "campaignId" as campaign_id,
        "metricDate" as metric_date,

        ---------- measures
        impressions,
        reach,
        likes,
        comments,
        shares,
        saves,
        "videoViews" as video_views,
        "videoCompletions" as video_completions,
        clicks,
        "spendUsd" as spend_usd,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id

    from staged_campaign_metrics

)

select * from final
