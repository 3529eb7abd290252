with

order_items as (

    select * from {{ ref('fct_order_items') }}

),

refunds as (

    select * from {{ ref('fct_refunds') }}

),

{{ revenue_by_dimension_monthly_ctes('category') }},

with_prior as (

    {{ select_with_prior_periods('revenue_by_month', ['revenue_usd'], partition_by=['category']) }}

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
        {{ safe_divide('revenue_usd', 'sum(revenue_usd) over (partition by month_start)') }}
            as category_revenue_share,
        {{ safe_divide('discount_usd', 'gross_usd') }} as discount_rate,
        {{ growth_rate('revenue_usd', 'prior_month_revenue_usd') }} as revenue_mom_growth_rate,
        {{ growth_rate('revenue_usd', 'prior_year_revenue_usd') }} as revenue_yoy_growth_rate

    from with_prior

)

select * from final
