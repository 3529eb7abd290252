with

order_items as (

    select * from {{ ref('stg_marketplace__order_items') }}

),

orders as (

    select * from {{ ref('int_orders_converted') }}

),

courses as (

    select * from {{ ref('stg_marketplace__courses') }}

),

refunds as (

    select * from {{ ref('int_refunds_converted') }}

),

refunds_per_item as (

    select
        order_item_id,
        min(refunded_at) as refunded_at,
        cast(sum(refund_amount_usd) as decimal(38, 2)) as refunded_usd
    from refunds
    group by order_item_id

),

joined as (

    select
        order_items.order_item_id,
        order_items.order_id,
        order_items.course_id,
        orders.student_id,
        courses.instructor_id,
        courses.category,
        courses.subcategory,
        courses.difficulty_level,
        orders.currency_code,
        orders.coupon_code,
        orders.order_payment_status,
        orders.has_succeeded_payment,
        orders.is_first_paid_order,
        orders.ordered_at,
        refunds_per_item.refunded_at,
        order_items.list_price,
        order_items.discount_amount,
        order_items.paid_amount,
        orders.usd_per_unit,
        {{ commerce_to_usd("order_items.list_price", "orders.usd_per_unit") }} as list_price_usd,
        {{ commerce_to_usd("order_items.paid_amount", "orders.usd_per_unit") }} as paid_usd,
        coalesce(refunds_per_item.refunded_usd, 0) as refunded_usd
    from order_items
    inner join orders
        on order_items.order_id = orders.order_id
    left join courses
        on order_items.course_id = courses.course_id
    left join refunds_per_item
        on order_items.order_item_id = refunds_per_item.order_item_id

),

final as (

    select
        ---------- keys
        order_item_id,

        ---------- foreign keys
        order_id,
        course_id,
        student_id,
        instructor_id,

        ---------- attributes
        category,
        subcategory,
        difficulty_level,
        currency_code,
        coupon_code,
        order_payment_status,
        has_succeeded_payment,
        is_first_paid_order,
        discount_amount > 0 as is_discounted,
        refunded_usd > 0 as is_refunded,

        ---------- timestamps (UTC)
        ordered_at,
        refunded_at,

        ---------- measures
        list_price,
        discount_amount,
        paid_amount,
        usd_per_unit,
        list_price_usd,
        cast(list_price_usd - paid_usd as decimal(18, 2)) as discount_usd,
        paid_usd,
        refunded_usd,
        cast(paid_usd - refunded_usd as decimal(38, 2)) as net_paid_usd

    from joined

)

select * from final
