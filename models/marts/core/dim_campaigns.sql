with

campaigns as (

    select * from {{ ref('int_campaigns_enriched') }}

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
        influencer_platform,
        influencer_tier,
        influencer_country_code,
        start_date,
        end_date,
        planned_duration_days,
        first_link_created_at,

        ---------- measures
        follower_count,
        budget_usd,
        tracking_links
    from campaigns

)

select * from final
