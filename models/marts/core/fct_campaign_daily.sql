with

funnel as (

    select * from {{ ref('int_campaign_funnel_daily') }}

),

sessions as (

    select * from {{ ref('fct_sessions') }}

),

campaign_orders as (

    select
        campaign_id,
        date_day,
        sum(paid_orders) as conversions,
        count(distinct case when paid_orders > 0 then student_id end) as converting_customers,
        sum(net_revenue_usd) as attributed_revenue_usd
    from sessions
    where campaign_id is not null
    group by campaign_id, date_day

),

final as (

    select
        ---------- keys
        funnel.campaign_id,
        funnel.date_day,

        ---------- attributes
        funnel.has_platform_metrics,

        ---------- measures
        funnel.impressions,
        funnel.reach,
        funnel.likes,
        funnel.comments,
        funnel.shares,
        funnel.saves,
        funnel.video_views,
        funnel.video_completions,
        funnel.clicks,
        funnel.spend_usd,
        funnel.sessions,
        funnel.bounced_sessions,
        funnel.pageviews,
        funnel.signups,
        cast(coalesce(campaign_orders.conversions, 0) as {{ dbt.type_bigint() }}) as conversions,
        coalesce(campaign_orders.converting_customers, 0) as converting_customers,
        cast(
            coalesce(campaign_orders.attributed_revenue_usd, 0) as decimal(18, 2)
        ) as attributed_revenue_usd

    from funnel
    left join campaign_orders
        on
            funnel.campaign_id = campaign_orders.campaign_id
            and funnel.date_day = campaign_orders.date_day

)

select * from final
