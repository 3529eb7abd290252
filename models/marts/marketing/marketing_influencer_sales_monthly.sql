{#- One row per calendar month (UTC) with paid orders or influencer-campaign activity: sales
    attributed to influencer content directly (the order's last touch is a campaign's tracked
    link) and influenced (any campaign touch in the attribution window), with the first-touch and
    linear credits beside them; revenue per active influencer and cost per reach. -#}
with

attribution as (

    select * from {{ ref('marketing_attribution_monthly') }}

),

campaign_days as (

    select * from {{ ref('fct_campaign_daily') }}

),

campaigns as (

    select * from {{ ref('dim_campaigns') }}

),

monthly_sales as (

    select
        month_start,
        sum(last_touch_orders) as paid_orders,
        sum(last_touch_revenue_usd) as net_revenue_usd,
        sum(case when channel = 'influencer' then last_touch_orders else 0 end) as direct_orders,
        sum(case when channel = 'influencer' then last_touch_revenue_usd else 0 end)
            as direct_sales_usd,
        sum(case when channel = 'influencer' then touched_orders else 0 end)
            as influenced_orders,
        sum(case when channel = 'influencer' then touched_revenue_usd else 0 end)
            as influenced_sales_usd,
        sum(case when channel = 'influencer' then first_touch_revenue_usd else 0 end)
            as first_touch_sales_usd,
        sum(case when channel = 'influencer' then linear_revenue_usd else 0 end)
            as linear_sales_usd
    from attribution
    group by month_start

),

monthly_campaigns as (

    select
        cast({{ dbt.date_trunc('month', 'campaign_days.date_day') }} as date) as month_start,
        count(distinct case
            when campaign_days.has_platform_metrics then campaigns.influencer_id
        end) as active_influencers,
        sum(campaign_days.spend_usd) as influencer_spend_usd,
        sum(campaign_days.reach) as reach
    from campaign_days
    inner join campaigns
        on campaign_days.campaign_id = campaigns.campaign_id
    group by cast({{ dbt.date_trunc('month', 'campaign_days.date_day') }} as date)

),

months as (

    select month_start from monthly_sales
    union
    select month_start from monthly_campaigns

),

joined as (

    select
        months.month_start,
        coalesce(monthly_sales.paid_orders, 0) as paid_orders,
        coalesce(monthly_sales.net_revenue_usd, 0) as net_revenue_usd,
        coalesce(monthly_sales.direct_orders, 0) as direct_orders,
        coalesce(monthly_sales.direct_sales_usd, 0) as direct_sales_usd,
        coalesce(monthly_sales.influenced_orders, 0) as influenced_orders,
        coalesce(monthly_sales.influenced_sales_usd, 0) as influenced_sales_usd,
        coalesce(monthly_sales.first_touch_sales_usd, 0) as first_touch_sales_usd,
        coalesce(monthly_sales.linear_sales_usd, 0) as linear_sales_usd,
        coalesce(monthly_campaigns.active_influencers, 0) as active_influencers,
        coalesce(monthly_campaigns.influencer_spend_usd, 0) as influencer_spend_usd,
        coalesce(monthly_campaigns.reach, 0) as reach
    from months
    left join monthly_sales
        on months.month_start = monthly_sales.month_start
    left join monthly_campaigns
        on months.month_start = monthly_campaigns.month_start

),

final as (

    select
        ---------- keys
        month_start,

        ---------- attributes
        month_start = max(month_start) over () as is_partial_month,

        ---------- measures
        cast(paid_orders as {{ dbt.type_bigint() }}) as paid_orders,
        cast(net_revenue_usd as decimal(18, 2)) as net_revenue_usd,
        cast(direct_orders as {{ dbt.type_bigint() }}) as direct_orders,
        cast(direct_sales_usd as decimal(18, 2)) as direct_sales_usd,
        cast(influenced_orders as {{ dbt.type_bigint() }}) as influenced_orders,
        cast(influenced_sales_usd as decimal(18, 2)) as influenced_sales_usd,
        cast(influenced_sales_usd - direct_sales_usd as decimal(18, 2))
            as influenced_only_sales_usd,
        cast(first_touch_sales_usd as decimal(18, 2)) as first_touch_sales_usd,
        cast(linear_sales_usd as decimal(18, 2)) as linear_sales_usd,
        cast(active_influencers as {{ dbt.type_bigint() }}) as active_influencers,
        cast(influencer_spend_usd as decimal(18, 2)) as influencer_spend_usd,
        cast(reach as {{ dbt.type_bigint() }}) as reach,
        {{ safe_divide('direct_sales_usd', 'net_revenue_usd') }} as direct_sales_share,
        {{ safe_divide('influenced_sales_usd', 'net_revenue_usd') }} as influenced_sales_share,
        {{ safe_divide('direct_sales_usd', 'active_influencers') }} as revenue_per_influencer_usd,
        {{ safe_divide('influencer_spend_usd', 'reach') }} as cost_per_reach_usd
    from joined

)

select * from final
