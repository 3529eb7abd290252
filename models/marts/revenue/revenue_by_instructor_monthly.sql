with

order_items as (

    select * from {{ ref('fct_order_items') }}

),

refunds as (

    select * from {{ ref('fct_refunds') }}

),

{{ revenue_by_dimension_monthly_ctes('instructor_id') }},

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

    from revenue_by_month

)

select * from final
