with

payments as (

    select * from {{ ref('int_payments_converted') }}

),

orders as (

    select * from {{ ref('int_orders_converted') }}

),

final as (

    select
        ---------- keys
        payments.payment_id,

        ---------- foreign keys
        payments.order_id,
        orders.student_id,

        ---------- attributes
        payments.payment_method,
        payments.payment_status,
        payments.is_succeeded,
        payments.failure_reason,
        payments.currency_code,

        ---------- timestamps (UTC)
        payments.attempted_at,
        cast({{ dbt.date_trunc('month', 'payments.attempted_at') }} as date) as attempt_month_start,
        orders.ordered_at,

        ---------- measures
        payments.payment_amount,
        payments.usd_per_unit,
        payments.payment_amount_usd

    from payments
    left join orders
        on payments.order_id = orders.order_id

)

select * from final
