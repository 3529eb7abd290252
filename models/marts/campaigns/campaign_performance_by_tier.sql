with

campaign_performance as (

    select * from {{ ref('campaign_performance') }}

),

tiers as (

    select
        influencer_tier,
        count(*) as campaigns,
        count(distinct influencer_id) as influencers,
        cast(sum(follower_count) as {{ dbt.type_bigint() }}) as follower_count,
        {{ campaign_measure_sums() }}
    from campaign_performance
    group by influencer_tier

),

final as (

    select
        ---------- keys
        influencer_tier,

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

    from tiers

)

select * from final
