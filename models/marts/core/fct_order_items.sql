{#- Incremental (one row per order line). An order's collected payments are shared over all its
    lines, so a run derives again every line of the orders int_order_items_enriched wrote a line
    of since this model's last run, those fct_orders wrote, and those whose count of lines changed;
    afterwards it drops the lines upstream no longer has. -#}
{{ config(
    materialized=incremental_materialization(by_partition=true),
    unique_key='order_item_id',
    incremental_strategy=partition_incremental_strategy(),
    partition_by=partition_columns('_written_at'),
    on_schema_change='fail',
    post_hook=[
        "{{ record_watermark(ref('int_order_items_enriched'), ref('fct_orders')) }}",
        "{% if is_incremental() and may_hold_keys_no_longer_in(ref('int_order_items_enriched')) %}"
        ~ "{{ delete_keys_no_longer_in(ref('int_order_items_enriched'), 'order_item_id') }}"
        ~ "{% endif %}",
    ],
) }}

with

order_items as (

    select * from {{ ref('int_order_items_enriched') }}

),

orders as {{ inline_cte() }} (

    select * from {{ ref('fct_orders') }}

),

{% if is_incremental() %}

{{ keys_to_derive_again_ctes(
    ref('int_order_items_enriched'), 'order_id', '1', name='orders_of_lines_changed'
) }},

{% endif %}

-- the lines to derive: all of them in a full build, else every line of the orders changed
lines_to_derive as (

    select * from order_items
    {% if is_incremental() %}
        where
            order_id in (select orders_of_lines_changed.order_id from orders_of_lines_changed)
            or order_id in (select orders.order_id from orders where {{ written_since_last_run() }})
    {% endif %}

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
    from lines_to_derive

),

final as (

    select
        ---------- keys
        lines_to_derive.order_item_id,

        ---------- foreign keys
        lines_to_derive.order_id,
        lines_to_derive.course_id,
        lines_to_derive.student_id,
        lines_to_derive.instructor_id,

        ---------- attributes
        lines_to_derive.category,
        lines_to_derive.subcategory,
        lines_to_derive.difficulty_level,
        lines_to_derive.currency_code,
        lines_to_derive.coupon_code,
        lines_to_derive.order_payment_status,
        lines_to_derive.has_succeeded_payment,
        lines_to_derive.is_first_paid_order,
        lines_to_derive.is_discounted,
        lines_to_derive.is_refunded,

        ---------- timestamps (UTC)
        lines_to_derive.ordered_at,
        cast({{ dbt.date_trunc('month', 'lines_to_derive.ordered_at') }} as date)
            as order_month_start,
        lines_to_derive.refunded_at,

        ---------- measures
        lines_to_derive.list_price,
        lines_to_derive.discount_amount,
        lines_to_derive.paid_amount,
        lines_to_derive.usd_per_unit,
        lines_to_derive.list_price_usd,
        lines_to_derive.discount_usd,
        lines_to_derive.paid_usd,
        lines_to_derive.refunded_usd,
        lines_to_derive.net_paid_usd,
        coalesce(orders.collected_usd, 0) * line_shares.order_share as collected_usd,

        ---------- lineage
        {{ written_at_stamp() }} as _written_at

    from lines_to_derive
    inner join line_shares
        on lines_to_derive.order_item_id = line_shares.order_item_id
    left join orders
        on lines_to_derive.order_id = orders.order_id

)

select * from final
