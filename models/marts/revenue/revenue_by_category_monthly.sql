with

order_items as (

    select * from {{ ref('fct_order_items') }}

),

refunds as (

    select * from {{ ref('fct_refunds') }}

),

sales as (

    select
        category,
        order_month_start as month_start,
        count(distinct order_id) as paid_orders,
        count(*) as paid_items,
        count(distinct student_id) as students,
        sum(list_price_usd) as gross_usd,
        sum(discount_usd) as discount_usd,
        sum(paid_usd) as net_usd
    from order_items
    where has_succeeded_payment
    group by category, order_month_start

),

refunds_per_month as (

    select
        category,
        refund_month_start as month_start,
        count(*) as refunds,
        sum(refund_amount_usd) as refunded_usd
    from refunds
    group by category, refund_month_start

),

category_months as (

    select
        category,
        month_start
    from sales
    union
    select
        category,
        month_start
    from refunds_per_month

),

joined as (

    select
        category_months.category,
        category_months.month_start,
        coalesce(sales.paid_orders, 0) as paid_orders,
        coalesce(sales.paid_items, 0) as paid_items,
        coalesce(sales.students, 0) as students,
        coalesce(refunds_per_month.refunds, 0) as refunds,
        coalesce(sales.gross_usd, 0) as gross_usd,
        coalesce(sales.discount_usd, 0) as discount_usd,
        coalesce(sales.net_usd, 0) as net_usd,
        coalesce(refunds_per_month.refunded_usd, 0) as refunded_usd,
        coalesce(sales.net_usd, 0) - coalesce(refunds_per_month.refunded_usd, 0) as revenue_usd
    from category_months
    left join sales
        on
            category_months.category = sales.category
            and category_months.month_start = sales.month_start
    left join refunds_per_month
        on
            category_months.category = refunds_per_month.category
            and category_months.month_start = refunds_per_month.month_start

),

with_prior as (

    select
        joined.*,
        sum(joined.revenue_usd) over (partition by joined.month_start) as month_revenue_usd,
        prior_month.revenue_usd as prior_month_revenue_usd,
        prior_year.revenue_usd as prior_year_revenue_usd
    from joined
    left join joined as prior_month
        on
            joined.category = prior_month.category
            and prior_month.month_start = {{ dbt.dateadd('month', -1, 'joined.month_start') }}
    left join joined as prior_year
        on
            joined.category = prior_year.category
            and prior_year.month_start = {{ dbt.dateadd('month', -12, 'joined.month_start') }}

),

final as (

    select
        ---------- keys
        {{ surrogate_key(['category', 'month_start']) }} as category_month_id,
        category,
        month_start,

        ---------- measures: counts
        paid_orders,
        paid_items,
        students,
        refunds,

        ---------- measures: money (USD)
        gross_usd,
        discount_usd,
        net_usd,
        refunded_usd,
        revenue_usd,
        prior_month_revenue_usd,

        ---------- measures: rates
        {{ safe_divide('revenue_usd', 'month_revenue_usd') }} as category_revenue_share,
        {{ safe_divide('discount_usd', 'gross_usd') }} as discount_rate,
        {{ growth_rate('revenue_usd', 'prior_month_revenue_usd') }} as revenue_mom_growth_rate,
        {{ growth_rate('revenue_usd', 'prior_year_revenue_usd') }} as revenue_yoy_growth_rate

    from with_prior

)

select * from final
