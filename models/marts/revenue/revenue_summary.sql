with

revenue_monthly as (

    select * from {{ ref('revenue_monthly') }}

),

totals as (

    select
        min(month_start) as first_month_start,
        max(month_start) as last_month_start,
        sum(orders) as orders,
        sum(orders_with_payment_attempt) as orders_with_payment_attempt,
        sum(paid_orders) as paid_orders,
        sum(discounted_paid_orders) as discounted_paid_orders,
        sum(refunded_paid_orders) as refunded_paid_orders,
        sum(payment_attempts) as payment_attempts,
        sum(succeeded_payment_attempts) as succeeded_payment_attempts,
        sum(refunds) as refunds,
        sum(gross_usd) as gross_usd,
        sum(discount_usd) as discount_usd,
        sum(net_usd) as net_usd,
        sum(discounted_net_usd) as discounted_net_usd,
        sum(collected_usd) as collected_usd,
        sum(refunded_usd) as refunded_usd,
        sum(revenue_usd) as revenue_usd
    from revenue_monthly

),

final as (

    select
        ---------- keys
        first_month_start,
        last_month_start,

        ---------- measures: counts
        cast(orders as bigint) as orders,
        cast(paid_orders as bigint) as paid_orders,
        cast(discounted_paid_orders as bigint) as discounted_paid_orders,
        cast(refunded_paid_orders as bigint) as refunded_paid_orders,
        cast(payment_attempts as bigint) as payment_attempts,
        cast(succeeded_payment_attempts as bigint) as succeeded_payment_attempts,
        cast(refunds as bigint) as refunds,

        ---------- measures: money (USD)
        gross_usd,
        discount_usd,
        net_usd,
        collected_usd,
        refunded_usd,
        revenue_usd,

        ---------- measures: rates
        {{ commerce_revenue_kpi_columns() }}

    from totals

)

select * from final
