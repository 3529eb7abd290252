with

order_items as (

    select * from {{ ref('int_order_items_enriched') }}

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
        is_discounted,
        is_refunded,

        ---------- timestamps (UTC)
        ordered_at,
        cast({{ dbt.date_trunc('month', 'ordered_at') }} as date) as order_month_start,
        refunded_at,

        ---------- measures
        list_price,
        discount_amount,
        paid_amount,
        usd_per_unit,
        list_price_usd,
        discount_usd,
        paid_usd,
        refunded_usd,
        net_paid_usd

    from order_items

)

select * from final
