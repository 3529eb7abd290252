with

orders as (

    select * from {{ ref('fct_orders') }}

),

subscription_months as (

    select * from {{ ref('int_subscription_months') }}

),

marketing_spend_daily as (

    select * from {{ ref('int_marketing_spend_daily') }}

),

source_coverage as (

    select * from {{ ref('int_source_coverage') }}

),

marketplace_revenue as (

    select
        student_id,
        order_month_start as month_start,
        net_collected_usd as revenue_usd,
        net_collected_usd as marketplace_revenue_usd,
        0 as subscription_revenue_usd
    from orders
    where has_succeeded_payment

),

subscription_revenue as (

    select
        student_id,
        month_start,
        billed_usd as revenue_usd,
        0 as marketplace_revenue_usd,
        billed_usd as subscription_revenue_usd
    from subscription_months
    where billed_usd > 0

),

customer_payments as (

    select * from marketplace_revenue
    union all
    select * from subscription_revenue

),

first_paid_months as (

    select
        student_id,
        min(month_start) as first_paid_month_start
    from customer_payments
    group by student_id

),

new_customers as (

    select
        first_paid_month_start as month_start,
        count(*) as new_paying_customers
    from first_paid_months
    group by first_paid_month_start

),

monthly_revenue as (

    select
        month_start,
        count(distinct student_id) as paying_customers,
        sum(revenue_usd) as revenue_usd,
        sum(marketplace_revenue_usd) as marketplace_revenue_usd,
        sum(subscription_revenue_usd) as subscription_revenue_usd
    from customer_payments
    group by month_start

),

monthly_spend as (

    select
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
        sum(spend_usd) as marketing_spend_usd,
        sum(case when is_influencer then spend_usd else 0 end) as influencer_spend_usd
    from marketing_spend_daily
    group by cast({{ dbt.date_trunc('month', 'date_day') }} as date)

),

months as (

    select month_start from monthly_revenue
    union
    select month_start from monthly_spend

),

-- spend is paid media (ad_spend) plus influencer fees (campaign_metrics): an export without
-- either leaves spend and CAC no data, not zero (or an influencer-only CAC)
spend_coverage as (

    select min(staged_rows) as spend_source_rows
    from source_coverage
    where source_entity in ('marketing.ad_spend', 'marketing.campaign_metrics')

),

joined as (

    select
        months.month_start,
        coalesce(new_customers.new_paying_customers, 0) as new_paying_customers,
        coalesce(monthly_revenue.paying_customers, 0) as paying_customers,
        coalesce(monthly_revenue.revenue_usd, 0) as revenue_usd,
        coalesce(monthly_revenue.marketplace_revenue_usd, 0) as marketplace_revenue_usd,
        coalesce(monthly_revenue.subscription_revenue_usd, 0) as subscription_revenue_usd,
        {{ when_source_has_data(
            'coalesce(monthly_spend.marketing_spend_usd, 0)', 'spend_coverage.spend_source_rows'
        ) }} as marketing_spend_usd,
        {{ when_source_has_data(
            'coalesce(monthly_spend.influencer_spend_usd, 0)', 'spend_coverage.spend_source_rows'
        ) }} as influencer_spend_usd
    from months
    cross join spend_coverage
    left join new_customers
        on months.month_start = new_customers.month_start
    left join monthly_revenue
        on months.month_start = monthly_revenue.month_start
    left join monthly_spend
        on months.month_start = monthly_spend.month_start

),

cumulative as (

    select
        *,
        sum(new_paying_customers) over (
            order by month_start rows between unbounded preceding and current row
        ) as customers_to_date,
        sum(revenue_usd) over (
            order by month_start rows between unbounded preceding and current row
        ) as revenue_to_date_usd
    from joined

),

unit_economics as (

    select
        *,
        {{ safe_divide('revenue_usd', 'paying_customers') }} as arpu_usd,
        {{ safe_divide('revenue_to_date_usd', 'customers_to_date') }} as clv_usd,
        {{ safe_divide('marketing_spend_usd', 'new_paying_customers') }} as cac_usd
    from cumulative

),

final as (

    select
        ---------- keys
        month_start,

        ---------- attributes
        month_start = max(month_start) over () as is_partial_month,

        ---------- measures
        new_paying_customers,
        paying_customers,
        cast(customers_to_date as {{ dbt.type_bigint() }}) as customers_to_date,
        cast(revenue_usd as decimal(18, 2)) as revenue_usd,
        cast(marketplace_revenue_usd as decimal(18, 2)) as marketplace_revenue_usd,
        cast(subscription_revenue_usd as decimal(18, 2)) as subscription_revenue_usd,
        cast(revenue_to_date_usd as decimal(18, 2)) as revenue_to_date_usd,
        cast(marketing_spend_usd as decimal(18, 2)) as marketing_spend_usd,
        cast(influencer_spend_usd as decimal(18, 2)) as influencer_spend_usd,
        arpu_usd,
        clv_usd,
        cac_usd,
        {{ safe_divide('clv_usd', 'cac_usd') }} as clv_to_cac_ratio

    from unit_economics

)

select * from final
