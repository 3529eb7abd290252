with

order_items as (

    select * from {{ ref('int_order_items_enriched') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

-- The order's collected payments (payment-day rate) shared over its lines by their paid value
-- (equally when the order was free), so collected revenue can be sliced by course and category
-- and still adds up to the order's.
line_shares as (

    select
        order_item_id,
        coalesce(
            {{ dbt.cast('paid_usd', dbt.type_float()) }}
            / nullif(
                {{ dbt.cast('sum(paid_usd) over (partition by order_id)', dbt.type_float()) }}, 0
            ),
            {{ dbt.cast('1', dbt.type_float()) }} / count(*) over (partition by order_id)
        ) as order_share
    from order_items

),

final as (

    select
        ---------- keys
        order_items.order_item_id,

        ---------- foreign keys
        order_items.order_id,
        order_items.course_id,
        order_items.student_id,
        order_items.instructor_id,

        ---------- attributes
        order_items.category,
        order_items.subcategory,
        order_items.difficulty_level,
        order_items.currency_code,
        order_items.coupon_code,
        order_items.order_payment_status,
        order_items.has_succeeded_payment,
        order_items.is_first_paid_order,
        order_items.is_discounted,
        order_items.is_refunded,

        ---------- timestamps (UTC)
        order_items.ordered_at,
        cast({{ dbt.date_trunc('month', 'order_items.ordered_at') }} as date) as order_month_start,
        order_items.refunded_at,

        ---------- measures
        order_items.list_price,
        order_items.discount_amount,
        order_items.paid_amount,
        order_items.usd_per_unit,
        order_items.list_price_usd,
        order_items.discount_usd,
        order_items.paid_usd,
        order_items.refunded_usd,
        order_items.net_paid_usd,
        coalesce(orders.collected_usd, 0) * line_shares.order_share as collected_usd

    from order_items
    inner join line_shares
        on order_items.order_item_id = line_shares.order_item_id
    left join orders
        on order_items.order_id = orders.order_id

)

select * from final
