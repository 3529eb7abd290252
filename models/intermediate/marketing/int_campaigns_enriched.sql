with

campaigns as (

    select * from {{ ref('stg_marketing__campaigns') }}

),

influencers as (

    select * from {{ ref('stg_marketing__influencers') }}

),

tracking_links as (

    select * from {{ ref('stg_marketing__tracking_links') }}

),

links_per_campaign as (

    select
        campaign_id,
        count(*) as tracking_links,
        min(created_at) as first_link_created_at
    from tracking_links
    group by campaign_id

),

final as (

    select
        ---------- keys
        campaigns.campaign_id,

        ---------- foreign keys
        campaigns.influencer_id,
        campaigns.course_id,

        ---------- attributes
        campaigns.campaign_name,
        campaigns.utm_campaign,
        campaigns.platform,
        influencers.influencer_handle,
        influencers.platform as influencer_platform,
        influencers.influencer_tier,
        influencers.country_code as influencer_country_code,
        campaigns.start_date,
        campaigns.end_date,
        cast(
            {{ dbt.datediff('campaigns.start_date', 'campaigns.end_date', 'day') }}
            + 1 as {{ dbt.type_bigint() }}
        ) as planned_duration_days,
        links_per_campaign.first_link_created_at,

        ---------- measures
        influencers.follower_count,
        cast(campaigns.budget_usd as decimal(18, 2)) as budget_usd,
        coalesce(links_per_campaign.tracking_links, 0) as tracking_links

    from campaigns
    left join influencers
        on campaigns.influencer_id = influencers.influencer_id
    left join links_per_campaign
        on campaigns.campaign_id = links_per_campaign.campaign_id

)

select * from final
