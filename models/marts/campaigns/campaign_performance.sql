with

campaigns as (

    select * from {{ ref('dim_campaigns') }}

),

campaign_daily as (

    select * from {{ ref('fct_campaign_daily') }}

),

sessions as (

    select * from {{ ref('fct_sessions') }}

),

daily_measures as (

    select
        *,
        signups as leads
    from campaign_daily

),

campaign_totals as (

    select
        campaign_id,
        min(case when has_platform_metrics then date_day end) as first_metric_date,
        max(case when has_platform_metrics then date_day end) as last_metric_date,
        count(case when has_platform_metrics then 1 end) as reported_days,
        {{ campaign_measure_sums([
            'impressions', 'reach', 'likes', 'comments', 'shares', 'saves', 'video_views',
            'video_completions', 'clicks', 'sessions', 'bounced_sessions', 'leads', 'conversions'
        ]) }}
    from daily_measures
    group by campaign_id

),

campaign_customers as (

    select
        campaign_id,
        count(distinct student_id) as converting_customers
    from sessions
    where campaign_id is not null and paid_orders > 0
    group by campaign_id

),

measures as (

    select
        campaigns.campaign_id,
        campaigns.influencer_id,
        campaigns.course_id,
        campaigns.campaign_name,
        campaigns.utm_campaign,
        campaigns.platform,
        campaigns.influencer_handle,
        campaigns.influencer_tier,
        campaigns.start_date,
        campaigns.end_date,
        campaign_totals.first_metric_date,
        campaign_totals.last_metric_date,
        coalesce(campaign_totals.reported_days, 0) as reported_days,
        campaigns.follower_count,
        campaigns.budget_usd,
        coalesce(campaign_totals.impressions, 0) as impressions,
        coalesce(campaign_totals.reach, 0) as reach,
        coalesce(campaign_totals.likes, 0) as likes,
        coalesce(campaign_totals.comments, 0) as comments,  -- noqa: RF04
        coalesce(campaign_totals.shares, 0) as shares,  -- noqa: RF04
        coalesce(campaign_totals.saves, 0) as saves,
        coalesce(campaign_totals.video_views, 0) as video_views,
        coalesce(campaign_totals.video_completions, 0) as video_completions,
        coalesce(campaign_totals.clicks, 0) as clicks,
        coalesce(campaign_totals.spend_usd, 0) as spend_usd,
        coalesce(campaign_totals.sessions, 0) as sessions,
        coalesce(campaign_totals.bounced_sessions, 0) as bounced_sessions,
        coalesce(campaign_totals.leads, 0) as leads,
        coalesce(campaign_totals.conversions, 0) as conversions,
        coalesce(campaign_customers.converting_customers, 0) as converting_customers,
        coalesce(campaign_totals.attributed_revenue_usd, 0) as attributed_revenue_usd
    from campaigns
    left join campaign_totals
        on campaigns.campaign_id = campaign_totals.campaign_id
    left join campaign_customers
        on campaigns.campaign_id = campaign_customers.campaign_id

),

final as (

    select
        ---------- keys
        campaign_id,

        ---------- foreign keys
        influencer_id,
        course_id,

        ---------- attributes
        campaign_name,
        utm_campaign,
        platform,
        influencer_handle,
        influencer_tier,
        start_date,
        end_date,
        first_metric_date,
        last_metric_date,

        ---------- measures
        reported_days,
        follower_count,
        budget_usd,
        impressions,
        reach,
        likes,
        comments,
        shares,
        saves,
        {{ campaign_engagements() }} as engagements,
        video_views,
        video_completions,
        clicks,
        spend_usd,
        sessions,
        bounced_sessions,
        leads,
        conversions,
        converting_customers,
        attributed_revenue_usd,
        {{ safe_divide('spend_usd', 'budget_usd') }} as budget_spent_rate,
        {{ campaign_kpi_columns() }}

    from measures

)

select * from final
