{#- Incremental (one row per order). A run derives again the orders int_orders_converted wrote
    since this model's last run, those int_order_items_enriched wrote a line of, and those whose
    count of lines changed (a line dropped leaves no stamp); afterwards it drops the orders
    upstream no longer has. -#}
{{ config(
    materialized=incremental_materialization(by_partition=true),
    unique_key='order_id',
    incremental_strategy=partition_incremental_strategy(),
    partition_by=partition_columns('_written_at'),
    on_schema_change='fail',
    post_hook=[
        "{{ record_watermark(ref('int_orders_converted'), ref('int_order_items_enriched')) }}",
        "{% if is_incremental() and may_hold_keys_no_longer_in(ref('int_orders_converted')) %}"
        ~ "{{ delete_keys_no_longer_in(ref('int_orders_converted'), 'order_id') }}"
        ~ "{% endif %}",
    ],
) }}

with

orders as (

    select * from {{ ref('int_orders_converted') }}

),

order_items as (

    select * from {{ ref('int_order_items_enriched') }}

),

{% if is_incremental() %}

{{ keys_to_derive_again_ctes(
    ref('int_order_items_enriched'), 'order_id', 'item_count', name='orders_of_lines_changed'
) }},

{% endif %}

-- the orders to derive: all of them in a full build
orders_to_derive as (

    select * from orders
    {% if is_incremental() %}
        where
            {{ written_since_last_run() }}
            or order_id in (select orders_of_lines_changed.order_id from orders_of_lines_changed)
    {% endif %}

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
    {% if is_incremental() %}
        where order_id in (select orders_to_derive.order_id from orders_to_derive)
    {% endif %}
    group by order_id

),

final as (

    select
        ---------- keys
        orders_to_derive.order_id,

        ---------- foreign keys
        orders_to_derive.student_id,
        orders_to_derive.session_id,

        ---------- attributes
        orders_to_derive.currency_code,
        orders_to_derive.coupon_code,
        orders_to_derive.has_coupon,
        orders_to_derive.order_payment_status,
        orders_to_derive.has_succeeded_payment,
        orders_to_derive.has_refund,
        coalesce(items_per_order.discounted_item_count, 0) > 0 as is_discounted,
        orders_to_derive.is_first_order,
        orders_to_derive.is_first_paid_order,
        orders_to_derive.student_order_number,
        orders_to_derive.student_paid_order_number,

        ---------- timestamps (UTC)
        orders_to_derive.ordered_at,
        cast({{ dbt.date_trunc('month', 'orders_to_derive.ordered_at') }} as date)
            as order_month_start,
        orders_to_derive.paid_at,
        orders_to_derive.first_refunded_at,

        ---------- measures
        coalesce(items_per_order.item_count, 0) as item_count,
        orders_to_derive.payment_attempts,
        orders_to_derive.order_total,
        orders_to_derive.usd_per_unit,
        orders_to_derive.order_total_usd,
        coalesce(items_per_order.gross_usd, 0) as gross_usd,
        coalesce(items_per_order.discount_usd, 0) as discount_usd,
        coalesce(items_per_order.net_usd, 0) as net_usd,
        orders_to_derive.collected_usd,
        orders_to_derive.refunded_usd,
        orders_to_derive.net_collected_usd,

        ---------- lineage
        {{ written_at_stamp() }} as _written_at

    from orders_to_derive
    left join items_per_order
        on orders_to_derive.order_id = items_per_order.order_id

)

select * from final
