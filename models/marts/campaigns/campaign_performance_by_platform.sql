with

campaign_performance as (

    select * from {{ ref('campaign_performance') }}

),

platforms as (

    select
        platform,
        count(*) as campaigns,
        count(distinct influencer_id) as influencers,
        cast(sum(follower_count) as {{ dbt.type_bigint() }}) as follower_count,
        {{ campaign_measure_sums() }}
    from campaign_performance
    group by platform

),

final as (

    select
        ---------- keys
        platform,

        ---------- measures
        campaigns,
        influencers,
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
        {{ campaign_kpi_columns() }}

    from platforms

)

select * from final
