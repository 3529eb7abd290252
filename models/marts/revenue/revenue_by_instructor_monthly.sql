with

order_items as (

    select * from {{ ref('fct_order_items') }}

),

refunds as (

    select * from {{ ref('fct_refunds') }}

),

sales as (

    select
        instructor_id,
        order_month_start as month_start,
        count(*) as paid_items,
        count(distinct student_id) as students,
        sum(list_price_usd) as gross_usd,
        sum(discount_usd) as discount_usd,
        sum(paid_usd) as net_usd
    from order_items
    where has_succeeded_payment
    group by instructor_id, order_month_start

),

refunds_per_month as (

    select
        instructor_id,
        refund_month_start as month_start,
        count(*) as refunds,
        sum(refund_amount_usd) as refunded_usd
    from refunds
    group by instructor_id, refund_month_start

),

instructor_months as (

    select
        instructor_id,
        month_start
    from sales
    union
    select
        instructor_id,
        month_start
    from refunds_per_month

),

joined as (

    select
        instructor_months.instructor_id,
        instructor_months.month_start,
        coalesce(sales.paid_items, 0) as paid_items,
        coalesce(sales.students, 0) as students,
        coalesce(refunds_per_month.refunds, 0) as refunds,
        coalesce(sales.gross_usd, 0) as gross_usd,
        coalesce(sales.discount_usd, 0) as discount_usd,
        coalesce(sales.net_usd, 0) as net_usd,
        coalesce(refunds_per_month.refunded_usd, 0) as refunded_usd,
        coalesce(sales.net_usd, 0) - coalesce(refunds_per_month.refunded_usd, 0) as revenue_usd
    from instructor_months
    left join sales
        on
            instructor_months.instructor_id = sales.instructor_id
            and instructor_months.month_start = sales.month_start
    left join refunds_per_month
        on
            instructor_months.instructor_id = refunds_per_month.instructor_id
            and instructor_months.month_start = refunds_per_month.month_start

),

final as (

    select
        ---------- keys
        {{ surrogate_key(['instructor_id', 'month_start']) }} as instructor_month_id,
        instructor_id,
        month_start,

        ---------- measures: counts
        paid_items,
        students,
        refunds,

        ---------- measures: money (USD)
        gross_usd,
        discount_usd,
        net_usd,
        refunded_usd,
        revenue_usd,

        ---------- measures: rates
        {{ safe_divide('revenue_usd', 'sum(revenue_usd) over (partition by month_start)') }}
            as instructor_revenue_share

    from joined

)

select * from final
