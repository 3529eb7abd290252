{#- The marketplace revenue KPIs, written once for every grain that reports them (revenue_monthly
    per month, revenue_summary over all months). The caller's relation must carry these summed
    measures: paid_orders, orders_with_payment_attempt, discounted_paid_orders,
    refunded_paid_orders, payment_attempts, succeeded_payment_attempts, gross_usd, discount_usd,
    net_usd, discounted_net_usd, collected_usd, refunded_usd. Rates and shares are fractions 0-1,
    null when there is nothing to divide by (safe_divide). -#}
{% macro commerce_revenue_kpi_columns() -%}
    {{ safe_divide('collected_usd', 'paid_orders') }} as average_order_value_usd,
    {{ safe_divide('discount_usd', 'gross_usd') }} as discount_rate,
    {{ safe_divide('discounted_paid_orders', 'paid_orders') }} as discounted_order_share,
    {{ safe_divide('discounted_net_usd', 'net_usd') }} as discounted_revenue_share,
    {{ safe_divide('refunded_usd', 'collected_usd') }} as refund_rate,
    {{ safe_divide('refunded_paid_orders', 'paid_orders') }} as refunded_order_rate,
    {{ safe_divide('succeeded_payment_attempts', 'payment_attempts') }} as payment_success_rate,
    {{ safe_divide('paid_orders', 'orders_with_payment_attempt') }} as order_payment_success_rate
{%- endmacro %}
