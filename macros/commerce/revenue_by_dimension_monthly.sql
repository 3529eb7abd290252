{#- The monthly revenue of one slice of the marketplace (a category, an instructor), written once
    for every mart that slices it. Emits the CTEs `sales`, `refunds_per_month`,
    `dimension_months` and `revenue_by_month` for the caller's CTE chain; the caller imports
    fct_order_items as `order_items` and fct_refunds as `refunds`, both carrying `dimension`.
    revenue_by_month has one row per (dimension, month_start) with sales or refunds: sales count
    in the month of the order (paid orders only), refunds in the month they were issued, so
    revenue_usd = net_usd - refunded_usd can be negative in a month of late refunds. -#}
{% macro revenue_by_dimension_monthly_ctes(dimension) -%}
sales as (

    select
        {{ dimension }},
        order_month_start as month_start,
        count(distinct order_id) as paid_orders,
        count(*) as paid_items,
        count(distinct student_id) as students,
        cast(sum(list_price_usd) as decimal(38, 2)) as gross_usd,
        cast(sum(discount_usd) as decimal(38, 2)) as discount_usd,
        cast(sum(paid_usd) as decimal(38, 2)) as net_usd
    from order_items
    where has_succeeded_payment
    group by {{ dimension }}, order_month_start

),

refunds_per_month as (

    select
        {{ dimension }},
        refund_month_start as month_start,
        count(*) as refunds,
        cast(sum(refund_amount_usd) as decimal(38, 2)) as refunded_usd
    from refunds
    group by {{ dimension }}, refund_month_start

),

dimension_months as (

    select
        {{ dimension }},
        month_start
    from sales
    union
    select
        {{ dimension }},
        month_start
    from refunds_per_month

),

revenue_by_month as (

    select
        dimension_months.{{ dimension }},
        dimension_months.month_start,
        coalesce(sales.paid_orders, 0) as paid_orders,
        coalesce(sales.paid_items, 0) as paid_items,
        coalesce(sales.students, 0) as students,
        coalesce(refunds_per_month.refunds, 0) as refunds,
        coalesce(sales.gross_usd, 0) as gross_usd,
        coalesce(sales.discount_usd, 0) as discount_usd,
        coalesce(sales.net_usd, 0) as net_usd,
        coalesce(refunds_per_month.refunded_usd, 0) as refunded_usd,
        cast(
            coalesce(sales.net_usd, 0) - coalesce(refunds_per_month.refunded_usd, 0)
            as decimal(38, 2)
        ) as revenue_usd
    from dimension_months
    left join sales
        on
            dimension_months.{{ dimension }} = sales.{{ dimension }}
            and dimension_months.month_start = sales.month_start
    left join refunds_per_month
        on
            dimension_months.{{ dimension }} = refunds_per_month.{{ dimension }}
            and dimension_months.month_start = refunds_per_month.month_start

)
{%- endmacro %}
