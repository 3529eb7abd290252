with

campaign_daily as (

    select * from {{ ref('campaign_performance_daily') }}

),

campaign_months as (

    select
        campaign_id,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
        max(follower_count) as follower_count,
        {{ campaign_measure_sums() }}
    from campaign_daily
    group by
        campaign_id,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date)

),

monthly_sums as (

    select
        month_start,
        cast(count(*) as {{ dbt.type_bigint() }}) as campaigns,
        cast(sum(follower_count) as {{ dbt.type_bigint() }}) as follower_count,
        {{ campaign_measure_sums() }}
    from campaign_months
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
