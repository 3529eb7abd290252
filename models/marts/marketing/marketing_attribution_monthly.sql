{#- Paid orders and their net revenue credited to marketing channels by three attribution models
    side by side, and the orders each channel touched at all (influenced), per order month. -#}
with

touchpoints as (

    select * from {{ ref('fct_order_touchpoints') }}

),

-- a channel that touched an order several times counts once per order
order_channels as (

    select
        order_month_start as month_start,
        channel,
        order_id,
        max(case when is_first_touch then 1 else 0 end) as first_touch_credit,
        max(case when is_last_touch then 1 else 0 end) as last_touch_credit,
        sum(linear_credit) as linear_credit,
        max(order_net_revenue_usd) as order_net_revenue_usd
    from touchpoints
    group by order_month_start, channel, order_id

),

monthly as (

    select
        month_start,
        channel,
        count(*) as touched_orders,
        sum(first_touch_credit) as first_touch_orders,
        sum(last_touch_credit) as last_touch_orders,
        sum(linear_credit) as linear_orders,
        sum(order_net_revenue_usd) as touched_revenue_usd,
        sum(first_touch_credit * order_net_revenue_usd) as first_touch_revenue_usd,
        sum(last_touch_credit * order_net_revenue_usd) as last_touch_revenue_usd,
        sum(linear_credit * order_net_revenue_usd) as linear_revenue_usd
    from order_channels
    group by month_start, channel

),

final as (

    select
        ---------- keys
        month_start,
        channel,

        ---------- measures
        cast(touched_orders as {{ dbt.type_bigint() }}) as touched_orders,
        cast(first_touch_orders as {{ dbt.type_bigint() }}) as first_touch_orders,
        cast(last_touch_orders as {{ dbt.type_bigint() }}) as last_touch_orders,
        cast(linear_orders as {{ dbt.type_float() }}) as linear_orders,
        cast(touched_revenue_usd as decimal(18, 2)) as touched_revenue_usd,
        cast(first_touch_revenue_usd as decimal(18, 2)) as first_touch_revenue_usd,
        cast(last_touch_revenue_usd as decimal(18, 2)) as last_touch_revenue_usd,
        cast(round(linear_revenue_usd, 2) as decimal(18, 2)) as linear_revenue_usd,
        {{ safe_divide(
            'last_touch_revenue_usd',
            'sum(last_touch_revenue_usd) over (partition by month_start)'
        ) }} as last_touch_revenue_share,
        {{ safe_divide(
            'linear_revenue_usd', 'sum(linear_revenue_usd) over (partition by month_start)'
        ) }} as linear_revenue_share
    from monthly

)

select * from final
