{#- Revenue of every month in revenue_monthly equals, to the cent, the succeeded payments in
    staging of the orders placed that month minus the refunds issued that month, each converted
    with the same rule (rate of the UTC transaction day, rounded to cents per row by
    commerce_to_usd). Returns the months that differ, and staging months missing from the mart
    (a mart month without staging money must show 0). Without any staged payment or refund the
    revenue is no data: every month must be null. -#}
with

payments as (

    select * from {{ ref('stg_marketplace__payments') }}

),

orders as (

    select * from {{ ref('stg_marketplace__orders') }}

),

refunds as (

    select * from {{ ref('stg_marketplace__refunds') }}

),

exchange_rates as (

    select * from {{ ref('int_exchange_rates_daily') }}

),

revenue_monthly as (

    select * from {{ ref('revenue_monthly') }}

),

collected as (

    select
        cast({{ dbt.date_trunc('month', 'orders.ordered_at') }} as date) as month_start,
        sum({{ commerce_to_usd('payments.payment_amount', 'exchange_rates.usd_per_unit') }})
            as collected_usd
    from payments
    inner join orders
        on payments.order_id = orders.order_id
    inner join exchange_rates
        on
            payments.currency_code = exchange_rates.currency_code
            and cast(payments.attempted_at as date) = exchange_rates.date_day
    where payments.payment_status = 'succeeded'
    group by cast({{ dbt.date_trunc('month', 'orders.ordered_at') }} as date)

),

refunded as (

    select
        cast({{ dbt.date_trunc('month', 'refunds.refunded_at') }} as date) as month_start,
        sum({{ commerce_to_usd('refunds.refund_amount', 'exchange_rates.usd_per_unit') }})
            as refunded_usd
    from refunds
    inner join exchange_rates
        on
            refunds.currency_code = exchange_rates.currency_code
            and cast(refunds.refunded_at as date) = exchange_rates.date_day
    group by cast({{ dbt.date_trunc('month', 'refunds.refunded_at') }} as date)

),

payment_rows as (

    select count(*) as staged_rows from payments

),

refund_rows as (

    select count(*) as staged_rows from refunds

),

expected as (

    select
        coalesce(collected.month_start, refunded.month_start) as month_start,
        coalesce(collected.collected_usd, 0) - coalesce(refunded.refunded_usd, 0)
            as expected_revenue_usd
    from collected
    full outer join refunded
        on collected.month_start = refunded.month_start

),

compared as (

    select
        coalesce(expected.month_start, revenue_monthly.month_start) as month_start,
        expected.expected_revenue_usd,
        revenue_monthly.revenue_usd
    from expected
    full outer join revenue_monthly
        on expected.month_start = revenue_monthly.month_start

)

select compared.* from compared
cross join payment_rows
cross join refund_rows
where
    case
        when payment_rows.staged_rows = 0 or refund_rows.staged_rows = 0
            then compared.revenue_usd is not null
        else
            compared.revenue_usd is null
            or coalesce(compared.expected_revenue_usd, 0) != compared.revenue_usd
    end
