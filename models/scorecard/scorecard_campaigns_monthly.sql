with

platform_months as (

    select * from {{ ref('campaign_performance_platform_monthly') }}

),

-- a campaign runs on one platform, so the platforms' rows of a month add up to the month
monthly_sums as (

    select
        month_start,
        cast(sum(campaigns) as {{ dbt.type_bigint() }}) as campaigns,
        cast(sum(follower_count) as {{ dbt.type_bigint() }}) as follower_count,
        {{ campaign_measure_sums() }}
    from platform_months
    group by month_start

),

final as (

    select
        ---------- keys
        month_start,

        ---------- measures
        campaigns,
        follower_count,
        impressions,
        reach,
        likes,
        comments,
        shares,
        saves,
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
        {{ campaign_kpi_columns() }}
    from monthly_sums

)

select * from final
