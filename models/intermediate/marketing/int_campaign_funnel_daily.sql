with

campaign_metrics as (

    select * from {{ ref('stg_marketing__campaign_metrics') }}

),

sessions as (

    select * from {{ ref('int_sessions_attributed') }}

),

students as (

    select * from {{ ref('stg_marketplace__students') }}

),

tracking_codes as (

    select * from {{ ref('int_campaign_tracking_codes') }}

),

campaign_sessions as (

    select
        campaign_id,
        date_day,
        count(*) as sessions,
        cast(
            sum(case when is_bounce then 1 else 0 end) as {{ dbt.type_bigint() }}
        ) as bounced_sessions,
        cast(sum(pageviews) as {{ dbt.type_bigint() }}) as pageviews,
        count(distinct visitor_id) as visitors
    from sessions
    where campaign_id is not null
    group by campaign_id, date_day

),

campaign_signups as (

    select
        tracking_codes.campaign_id,
        cast({{ dbt.date_trunc('day', 'students.signed_up_at') }} as date) as date_day,
        count(*) as signups
    from students
    inner join tracking_codes
        on students.utm_campaign = tracking_codes.utm_campaign
    group by
        tracking_codes.campaign_id,
        cast({{ dbt.date_trunc('day', 'students.signed_up_at') }} as date)

),

platform_metrics as (

    select
        campaign_id,
        metric_date as date_day,
        impressions,
        reach,
        likes,
        comments,
        shares,
        saves,
        video_views,
        video_completions,
        clicks,
        spend_usd
    from campaign_metrics

),

campaign_days as (

    select
        campaign_id,
        date_day
    from platform_metrics

    union

    select
        campaign_id,
        date_day
    from campaign_sessions

    union

    select
        campaign_id,
        date_day
    from campaign_signups

),

final as (

    select
        ---------- keys
        campaign_days.campaign_id,
        campaign_days.date_day,

        ---------- attributes
        platform_metrics.campaign_id is not null as has_platform_metrics,

        ---------- measures
        coalesce(platform_metrics.impressions, 0) as impressions,
        coalesce(platform_metrics.reach, 0) as reach,
        coalesce(platform_metrics.likes, 0) as likes,
        coalesce(platform_metrics.comments, 0) as comments,  -- noqa: RF04
        coalesce(platform_metrics.shares, 0) as shares,  -- noqa: RF04
        coalesce(platform_metrics.saves, 0) as saves,
        coalesce(platform_metrics.video_views, 0) as video_views,
        coalesce(platform_metrics.video_completions, 0) as video_completions,
        coalesce(platform_metrics.clicks, 0) as clicks,
        cast(coalesce(platform_metrics.spend_usd, 0) as decimal(18, 2)) as spend_usd,
        coalesce(campaign_sessions.sessions, 0) as sessions,
        coalesce(campaign_sessions.bounced_sessions, 0) as bounced_sessions,
        coalesce(campaign_sessions.pageviews, 0) as pageviews,
        coalesce(campaign_sessions.visitors, 0) as visitors,
        coalesce(campaign_signups.signups, 0) as signups

    from campaign_days
    left join platform_metrics
        on
            campaign_days.campaign_id = platform_metrics.campaign_id
            and campaign_days.date_day = platform_metrics.date_day
    left join campaign_sessions
        on
            campaign_days.campaign_id = campaign_sessions.campaign_id
            and campaign_days.date_day = campaign_sessions.date_day
    left join campaign_signups
        on
            campaign_days.campaign_id = campaign_signups.campaign_id
            and campaign_days.date_day = campaign_signups.date_day

)

select * from final
