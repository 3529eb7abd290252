with

campaign_metrics as (

    select * from {{ ref('stg_marketing__campaign_metrics') }}

),

ad_spend as (

    select * from {{ ref('stg_marketing__ad_spend') }}

),

campaign_spend as (

    select
        metric_date as date_day,
        'influencer' as channel,
        sum(spend_usd) as spend_usd
    from campaign_metrics
    group by metric_date

),

paid_media_spend as (

    select
        spend_date as date_day,
        channel,
        sum(spend_usd) as spend_usd
    from ad_spend
    group by spend_date, channel

),

unioned as (

    select * from campaign_spend
    union all
    select * from paid_media_spend

),

final as (

    select
        ---------- keys
        date_day,
        channel,

        ---------- attributes
        channel = 'influencer' as is_influencer,

        ---------- measures
        cast(spend_usd as decimal(18, 2)) as spend_usd

    from unioned

)

select * from final
