with

campaigns as (

    select * from {{ ref('dim_campaigns') }}

),

campaign_daily as (

    select * from {{ ref('fct_campaign_daily') }}

),

measures as (

    select
        campaign_daily.campaign_id,
        campaign_daily.date_day,
        campaigns.platform,
        campaigns.influencer_tier,
        campaign_daily.has_platform_metrics,
        campaigns.follower_count,
        campaign_daily.impressions,
        campaign_daily.reach,
        campaign_daily.likes,
        campaign_daily.comments,
        campaign_daily.shares,
        campaign_daily.saves,
        campaign_daily.video_views,
        campaign_daily.video_completions,
        campaign_daily.clicks,
        campaign_daily.spend_usd,
        campaign_daily.sessions,
        campaign_daily.bounced_sessions,
        campaign_daily.signups as leads,
        campaign_daily.conversions,
        campaign_daily.converting_customers,
        campaign_daily.attributed_revenue_usd
    from campaign_daily
    inner join campaigns
        on campaign_daily.campaign_id = campaigns.campaign_id

),

final as (

    select
        ---------- keys
        campaign_id,
        date_day,

        ---------- attributes
        platform,
        influencer_tier,
        has_platform_metrics,

        ---------- measures
        follower_count,
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
        cast(attributed_revenue_usd - spend_usd as decimal(18, 2)) as net_return_usd,
        {{ campaign_kpi_columns() }}

    from measures

)

select * from final
