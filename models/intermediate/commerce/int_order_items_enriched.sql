{#- Incremental (one row per order line). A run derives again the lines int_orders_converted wrote
    an order of since this model's last run, and those whose row, course or refunds differ from
    what it holds (compared, as staging re-sends the current month whole); afterwards it drops the
    lines staging no longer has. Staging keeps only lines of valid orders and int_orders_converted
    holds every staged order, so this model holds one row per staged line. -#}
{{ config(
    materialized=incremental_materialization(by_partition=true),
    unique_key='order_item_id',
    incremental_strategy=partition_incremental_strategy(),
    partition_by=partition_columns('_written_at'),
    on_schema_change='fail',
    post_hook=[
        "{{ record_watermark(ref('int_orders_converted')) }}",
        "{% if is_incremental() and may_hold_keys_no_longer_in(ref('stg_marketplace__order_items')) %}"
        ~ "{{ delete_keys_no_longer_in(ref('stg_marketplace__order_items'), 'order_item_id') }}"
        ~ "{% endif %}",
    ],
) }}

with

order_items as {{ inline_cte() }} (

    select * from {{ ref('stg_marketplace__order_items') }}

),

orders as {{ inline_cte() }} (

    select * from {{ ref('int_orders_converted') }}

),

courses as {{ inline_cte() }} (

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

{% if is_incremental() %}

-- the lines held whose row, course or refunds differ from what the inputs give now, and new lines
lines_changed as (

    select order_items.order_item_id
    from order_items
    left join {{ this }} as held
        on order_items.order_item_id = held.order_item_id
    left join courses
        on order_items.course_id = courses.course_id
    left join refunds_per_item
        on order_items.order_item_id = refunds_per_item.order_item_id
    where
        held.order_item_id is null
        or held.order_id <> order_items.order_id
        or held.course_id <> order_items.course_id
        or held.list_price <> order_items.list_price
        or held.discount_amount <> order_items.discount_amount
        or held.paid_amount <> order_items.paid_amount
        or held.instructor_id is distinct from courses.instructor_id
        or held.category is distinct from courses.category
        or held.subcategory is distinct from courses.subcategory
        or held.difficulty_level is distinct from courses.difficulty_level
        or held.refunded_at is distinct from refunds_per_item.refunded_at
        or held.refunded_usd <> coalesce(refunds_per_item.refunded_usd, 0)

),

{% endif %}

-- the lines to derive: all of them in a full build
lines_to_derive as (

    select * from order_items
    {% if is_incremental() %}
        where
            order_item_id in (select lines_changed.order_item_id from lines_changed)
            or order_id in (select orders.order_id from orders where {{ written_since_last_run() }})
    {% endif %}

),

joined as (

    select
        lines_to_derive.order_item_id,
        lines_to_derive.order_id,
        lines_to_derive.course_id,
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
        lines_to_derive.list_price,
        lines_to_derive.discount_amount,
        lines_to_derive.paid_amount,
        orders.usd_per_unit,
        {{ commerce_to_usd("lines_to_derive.list_price", "orders.usd_per_unit") }}
            as list_price_usd,
        {{ commerce_to_usd("lines_to_derive.paid_amount", "orders.usd_per_unit") }} as paid_usd,
        coalesce(refunds_per_item.refunded_usd, 0) as refunded_usd
    from lines_to_derive
    inner join orders
        on lines_to_derive.order_id = orders.order_id
    left join courses
        on lines_to_derive.course_id = courses.course_id
    left join refunds_per_item
        on lines_to_derive.order_item_id = refunds_per_item.order_item_id

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
        cast(paid_usd - refunded_usd as decimal(38, 2)) as net_paid_usd,

        ---------- lineage
        {{ written_at_stamp() }} as _written_at

    from joined

)

select * from final
