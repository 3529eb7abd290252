{#- Incremental (one row per order, the root of the order chain). Deriving every order is cheap
    (aggregates and a window over the student's orders); writing them all is not, and the models
    after this one take in what it writes. So a run derives every order and writes only the orders
    whose row differs from the one it holds (compared, not taken from staging's stamps: the
    current month arrives again whole every day while few of its rows change), stamped; afterwards
    it drops the orders staging no longer has. -#}
{{ config(
    materialized=incremental_materialization(by_partition=true),
    unique_key='order_id',
    incremental_strategy=partition_incremental_strategy(),
    partition_by=partition_columns('_written_at'),
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

joined as (

    select
        orders.order_id,
        orders.student_id,
        orders.session_id,
        orders.currency_code,
        orders.coupon_code,
        orders.payment_status as order_payment_status,
        orders.is_late_arriving,
        orders.ordered_at,
        payments_per_order.paid_at,
        refunds_per_order.first_refunded_at,
        orders.order_total,
        exchange_rates.usd_per_unit,
        {{ commerce_to_usd("orders.order_total", "exchange_rates.usd_per_unit") }}
            as order_total_usd,
        coalesce(payments_per_order.payment_attempts, 0) as payment_attempts,
        coalesce(payments_per_order.succeeded_payments, 0) > 0 as has_succeeded_payment,
        coalesce(payments_per_order.collected_usd, 0) as collected_usd,
        coalesce(refunds_per_order.refunds, 0) as refunds,
        coalesce(refunds_per_order.refunded_usd, 0) as refunded_usd
    from orders
    left join payments_per_order
        on orders.order_id = payments_per_order.order_id
    left join refunds_per_order
        on orders.order_id = refunds_per_order.order_id
    left join exchange_rates
        on
            orders.currency_code = exchange_rates.currency_code
            and cast(orders.ordered_at as date) = exchange_rates.date_day

),

sequenced as (

    select
        *,
        cast(
            row_number() over (partition by student_id order by ordered_at, order_id)
            as {{ dbt.type_bigint() }}
        ) as student_order_number,
        -- the paid orders counted in the same order of the student's orders: one sort serves
        -- both numbers (a partition by payment outcome too sorted every order again)
        case
            when has_succeeded_payment
                then cast(
                        sum(case when has_succeeded_payment then 1 else 0 end) over (
                            partition by student_id
                            order by ordered_at, order_id
                            rows between unbounded preceding and current row
                        ) as {{ dbt.type_bigint() }}
                    )
        end as student_paid_order_number
    from joined

),

derived as (

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

),

-- in an incremental run, the orders new or derived otherwise than held
final as (

    {% if is_incremental() %}
    {{ rows_differing_from_held('derived', 'order_id') }}
    {% else %}
    select * from derived
    {% endif %}

)

select * from final
