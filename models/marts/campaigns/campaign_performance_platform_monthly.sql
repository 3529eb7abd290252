{#- Influencer-campaign KPIs by UTC month and platform: the scorecard_campaigns_monthly sums
    (a campaign's followers counted once a month) and campaign_kpi_columns(), per platform, with
    the terms a dashboard adds over several platforms (engagements, net_return_usd). -#}
with

campaign_daily as (

    select * from {{ ref('campaign_performance_daily') }}

),

campaign_months as (

    select
        campaign_id,
        platform,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
        max(follower_count) as follower_count,
        {{ campaign_measure_sums() }}
    from campaign_daily
    group by
        campaign_id,
        platform,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date)

),

platform_sums as (

    select
        month_start,
        platform,
        cast(count(*) as {{ dbt.type_bigint() }}) as campaigns,
        cast(sum(follower_count) as {{ dbt.type_bigint() }}) as follower_count,
        {{ campaign_measure_sums() }}
    from campaign_months
    group by month_start, platform

),

final as (

    select
        ---------- keys
        {{ surrogate_key(['month_start', 'platform']) }} as platform_month_id,
        month_start,
        platform,

        ---------- measures
        campaigns,
        follower_count,
        impressions,
        reach,
        likes,
        comments,
        shares,
        saves,
        cast({{ campaign_engagements() }} as {{ dbt.type_bigint() }}) as engagements,
        video_views,
        video_completions,
        clicks,
        sessions,
        bounced_sessions,
        leads,
        conversions,
        converting_customers,
        spend_usd,
        attributed_revenue_usd,
        cast(attributed_revenue_usd - spend_usd as decimal(18, 2)) as net_return_usd,
        {{ campaign_kpi_columns() }}
    from platform_sums

)

select * from final
