with

orders as (

    select * from {{ ref('int_orders_converted') }}

),

order_items as (

    select * from {{ ref('int_order_items_enriched') }}

),

items_per_order as (

    select
        order_id,
        count(*) as item_count,
        count(case when is_discounted then 1 end) as discounted_item_count,
        cast(sum(list_price_usd) as decimal(38, 2)) as gross_usd,
        cast(sum(discount_usd) as decimal(38, 2)) as discount_usd,
        cast(sum(paid_usd) as decimal(38, 2)) as net_usd
    from order_items
    group by order_id

),

final as (

    select
        ---------- keys
        orders.order_id,

        ---------- foreign keys
        orders.student_id,
        orders.session_id,

        ---------- attributes
        orders.currency_code,
        orders.coupon_code,
        orders.has_coupon,
        orders.order_payment_status,
        orders.has_succeeded_payment,
        orders.has_refund,
        coalesce(items_per_order.discounted_item_count, 0) > 0 as is_discounted,
        orders.is_first_order,
        orders.is_first_paid_order,
        orders.student_order_number,
        orders.student_paid_order_number,

        ---------- timestamps (UTC)
        orders.ordered_at,
        cast({{ dbt.date_trunc('month', 'orders.ordered_at') }} as date) as order_month_start,
        orders.paid_at,
        orders.first_refunded_at,

        ---------- measures
        coalesce(items_per_order.item_count, 0) as item_count,
        orders.payment_attempts,
        orders.order_total,
        orders.usd_per_unit,
        orders.order_total_usd,
        coalesce(items_per_order.gross_usd, 0) as gross_usd,
        coalesce(items_per_order.discount_usd, 0) as discount_usd,
        coalesce(items_per_order.net_usd, 0) as net_usd,
        orders.collected_usd,
        orders.refunded_usd,
        orders.net_collected_usd

    from orders
    left join items_per_order
        on orders.order_id = items_per_order.order_id

)

select * from final
