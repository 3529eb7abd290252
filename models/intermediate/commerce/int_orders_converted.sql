{#- Incremental (one row per order, the root of the order chain). A run derives again every order
    of the students whose orders, payments, refunds or exchange rates changed: it compares what it
    holds with its inputs (each order's row, its payment and refund totals, the rate of its day),
    not staging's stamps, because the current month's files arrive again whole every day while few
    of their rows change; and all of a student's orders, because their order numbers follow from
    each other. It stamps what it writes; afterwards it drops the orders staging no longer has. -#}
{{ config(
    materialized=incremental_materialization(),
    unique_key='order_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook=[
        "{% if is_incremental() and may_hold_keys_no_longer_in(ref('stg_marketplace__orders')) %}"
        ~ "{{ delete_keys_no_longer_in(ref('stg_marketplace__orders'), 'order_id') }}"
        ~ "{% endif %}",
    ],
) }}

with

orders as (

    select * from {{ ref('stg_marketplace__orders') }}

),

payments as (

    select * from {{ ref('int_payments_converted') }}

),

refunds as (

    select * from {{ ref('int_refunds_converted') }}

),

exchange_rates as (

    select * from {{ ref('int_exchange_rates_daily') }}

),

payments_per_order as (

    select
        order_id,
        count(*) as payment_attempts,
        count(case when is_succeeded then 1 end) as succeeded_payments,
        min(case when is_succeeded then attempted_at end) as paid_at,
        cast(
            coalesce(sum(case when is_succeeded then payment_amount_usd end), 0) as decimal(38, 2)
        ) as collected_usd
    from payments
    group by order_id

),

refunds_per_order as (

    select
        order_id,
        count(*) as refunds,
        min(refunded_at) as first_refunded_at,
        cast(sum(refund_amount_usd) as decimal(38, 2)) as refunded_usd
    from refunds
    group by order_id

),

{% if is_incremental() %}

-- the orders held whose row or inputs differ from what the inputs give now, new orders and the
-- orders staging no longer has, with their held and current students
orders_changed as (

    select
        held.student_id as held_student_id,
        orders.student_id
    from {{ this }} as held
    full outer join orders
        on held.order_id = orders.order_id
    left join payments_per_order
        on orders.order_id = payments_per_order.order_id
    left join refunds_per_order
        on orders.order_id = refunds_per_order.order_id
    left join exchange_rates
        on
            orders.currency_code = exchange_rates.currency_code
            and cast(orders.ordered_at as date) = exchange_rates.date_day
    where
        held.order_id is null
        or orders.order_id is null
        or held.student_id <> orders.student_id
        or held.session_id is distinct from orders.session_id
        or held.currency_code <> orders.currency_code
        or held.coupon_code is distinct from orders.coupon_code
        or held.order_payment_status <> orders.payment_status
        or held.is_late_arriving <> orders.is_late_arriving
        or held.ordered_at <> orders.ordered_at
        or held.order_total <> orders.order_total
        or held.usd_per_unit is distinct from exchange_rates.usd_per_unit
        or held.payment_attempts <> coalesce(payments_per_order.payment_attempts, 0)
        or held.has_succeeded_payment <> (coalesce(payments_per_order.succeeded_payments, 0) > 0)
        or held.paid_at is distinct from payments_per_order.paid_at
        or held.collected_usd <> coalesce(payments_per_order.collected_usd, 0)
        or held.refunds <> coalesce(refunds_per_order.refunds, 0)
        or held.first_refunded_at is distinct from refunds_per_order.first_refunded_at
        or held.refunded_usd <> coalesce(refunds_per_order.refunded_usd, 0)

),

students_changed as (

    select student_id from orders_changed
    where student_id is not null
    union
    select held_student_id as student_id from orders_changed
    where held_student_id is not null

),

{% endif %}

-- the orders to derive: all of them in a full build
orders_to_derive as (

    select * from orders
    {% if is_incremental() %}
        where student_id in (select students_changed.student_id from students_changed)
    {% endif %}

),

joined as (

    select
        orders_to_derive.order_id,
        orders_to_derive.student_id,
        orders_to_derive.session_id,
        orders_to_derive.currency_code,
        orders_to_derive.coupon_code,
        orders_to_derive.payment_status as order_payment_status,
        orders_to_derive.is_late_arriving,
        orders_to_derive.ordered_at,
        payments_per_order.paid_at,
        refunds_per_order.first_refunded_at,
        orders_to_derive.order_total,
        exchange_rates.usd_per_unit,
        {{ commerce_to_usd("orders_to_derive.order_total", "exchange_rates.usd_per_unit") }}
            as order_total_usd,
        coalesce(payments_per_order.payment_attempts, 0) as payment_attempts,
        coalesce(payments_per_order.succeeded_payments, 0) > 0 as has_succeeded_payment,
        coalesce(payments_per_order.collected_usd, 0) as collected_usd,
        coalesce(refunds_per_order.refunds, 0) as refunds,
        coalesce(refunds_per_order.refunded_usd, 0) as refunded_usd
    from orders_to_derive
    left join payments_per_order
        on orders_to_derive.order_id = payments_per_order.order_id
    left join refunds_per_order
        on orders_to_derive.order_id = refunds_per_order.order_id
    left join exchange_rates
        on
            orders_to_derive.currency_code = exchange_rates.currency_code
            and cast(orders_to_derive.ordered_at as date) = exchange_rates.date_day

),

sequenced as (

    select
        *,
        cast(
            row_number() over (partition by student_id order by ordered_at, order_id)
            as {{ dbt.type_bigint() }}
        ) as student_order_number,
        case
            when has_succeeded_payment
                then cast(
                        row_number() over (
                            partition by student_id, has_succeeded_payment
                            order by ordered_at, order_id
                        ) as {{ dbt.type_bigint() }}
                    )
        end as student_paid_order_number
    from joined

),

final as (

    select
        ---------- keys
        order_id,

        ---------- foreign keys
        student_id,
        session_id,

        ---------- attributes
        currency_code,
        coupon_code,
        coupon_code is not null as has_coupon,
        order_payment_status,
        has_succeeded_payment,
        refunds > 0 as has_refund,
        student_order_number,
        student_paid_order_number,
        student_order_number = 1 as is_first_order,
        coalesce(student_paid_order_number = 1, false) as is_first_paid_order,
        is_late_arriving,

        ---------- timestamps (UTC)
        ordered_at,
        paid_at,
        first_refunded_at,

        ---------- measures
        payment_attempts,
        refunds,
        order_total,
        usd_per_unit,
        order_total_usd,
        collected_usd,
        refunded_usd,
        cast(collected_usd - refunded_usd as decimal(38, 2)) as net_collected_usd,

        ---------- lineage
        {{ written_at_stamp() }} as _written_at

    from sequenced

)

select * from final
