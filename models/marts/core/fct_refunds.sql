with

refunds as (

    select * from {{ ref('int_refunds_converted') }}

),

order_items as (

    select * from {{ ref('int_order_items_enriched') }}

),

final as (

    select
        ---------- keys
        refunds.refund_id,

        ---------- foreign keys
        refunds.order_id,
        refunds.order_item_id,
        order_items.course_id,
        order_items.student_id,
        order_items.instructor_id,

        ---------- attributes
        refunds.refund_reason,
        order_items.category,
        refunds.currency_code,

        ---------- timestamps (UTC)
        refunds.refunded_at,
        cast({{ dbt.date_trunc('month', 'refunds.refunded_at') }} as date) as refund_month_start,
        order_items.ordered_at,

        ---------- measures
        refunds.refund_amount,
        refunds.usd_per_unit,
        refunds.refund_amount_usd

    from refunds
    left join order_items
        on refunds.order_item_id = order_items.order_item_id

)

select * from final
