with

campaigns as (

    select * from {{ ref('stg_marketing__campaigns') }}

),

tracking_links as (

    select * from {{ ref('stg_marketing__tracking_links') }}

),

codes as (

    select
        utm_campaign,
        campaign_id
    from campaigns

    union

    select
        utm_campaign,
        campaign_id
    from tracking_links

),

final as (

    select
        ---------- keys
        utm_campaign,

        ---------- foreign keys
        min(campaign_id) as campaign_id,

        ---------- measures
        count(distinct campaign_id) as campaigns_sharing_code

    from codes
    group by utm_campaign

)

select * from final
