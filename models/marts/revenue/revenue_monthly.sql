with

orders as (

    select * from {{ ref('fct_orders') }}

),

payments as (

    select * from {{ ref('fct_payments') }}

),

refunds as (

    select * from {{ ref('fct_refunds') }}

),

as_of as (

    select * from {{ ref('data_as_of_day') }}

),

source_coverage as (

    select * from {{ ref('int_source_coverage') }}

),

orders_per_month as (

    select
        order_month_start as month_start,
        count(*) as orders,
        count(case when payment_attempts > 0 then 1 end) as orders_with_payment_attempt,
        count(case when has_succeeded_payment then 1 end) as paid_orders,
        count(case when has_succeeded_payment and is_discounted then 1 end)
            as discounted_paid_orders,
        count(case when has_succeeded_payment and has_refund then 1 end) as refunded_paid_orders,
        coalesce(sum(case when has_succeeded_payment then gross_usd end), 0) as gross_usd,
        coalesce(sum(case when has_succeeded_payment then discount_usd end), 0) as discount_usd,
        coalesce(sum(case when has_succeeded_payment then net_usd end), 0) as net_usd,
        coalesce(sum(case when has_succeeded_payment and is_discounted then net_usd end), 0)
            as discounted_net_usd,
        coalesce(sum(collected_usd), 0) as collected_usd
    from orders
    group by order_month_start

),

payments_per_month as (

    select
        attempt_month_start as month_start,
        count(*) as payment_attempts,
        count(case when is_succeeded then 1 end) as succeeded_payment_attempts
    from payments
    group by attempt_month_start

),

refunds_per_month as (

    select
        refund_month_start as month_start,
        count(*) as refunds,
        cast(sum(refund_amount_usd) as decimal(38, 2)) as refunded_usd
    from refunds
    group by refund_month_start

),

months as (

    select month_start from orders_per_month
    union
    select month_start from payments_per_month
    union
    select month_start from refunds_per_month

),

-- an export without payments or refunds leaves their measures no data, not zero
coverage as (

    select
        sum(case when source_entity = 'marketplace.payments' then staged_rows end)
            as payments_rows,
        sum(case when source_entity = 'marketplace.refunds' then staged_rows end)
            as refunds_rows
    from source_coverage

),

joined as (

    select
        months.month_start,
        coalesce(orders_per_month.orders, 0) as orders,
        {%- for measure in [
            'orders_with_payment_attempt', 'paid_orders', 'discounted_paid_orders',
            'gross_usd', 'discount_usd', 'net_usd', 'discounted_net_usd', 'collected_usd'
        ] %}
        {{ when_source_has_data(
            'coalesce(orders_per_month.' ~ measure ~ ', 0)',
            'coverage.payments_rows'
        ) }} as {{ measure }},
        {%- endfor %}
        {%- for measure in ['payment_attempts', 'succeeded_payment_attempts'] %}
        {{ when_source_has_data(
            'coalesce(payments_per_month.' ~ measure ~ ', 0)',
            'coverage.payments_rows'
        ) }} as {{ measure }},
        {%- endfor %}
        {{ when_source_has_data(
            'coalesce(orders_per_month.refunded_paid_orders, 0)',
            'coverage.refunds_rows'
        ) }} as refunded_paid_orders,
        {{ when_source_has_data(
            'coalesce(refunds_per_month.refunds, 0)',
            'coverage.refunds_rows'
        ) }} as refunds,
        {{ when_source_has_data(
            'coalesce(refunds_per_month.refunded_usd, 0)',
            'coverage.refunds_rows'
        ) }} as refunded_usd,
        -- net revenue needs both: collected payments less refunds
        {{ when_source_has_data(
            when_source_has_data(
                'coalesce(orders_per_month.collected_usd, 0)'
                ~ ' - coalesce(refunds_per_month.refunded_usd, 0)',
                'coverage.refunds_rows'
            ),
            'coverage.payments_rows'
        ) }} as revenue_usd
    from months
    cross join coverage
    left join orders_per_month
        on months.month_start = orders_per_month.month_start
    left join payments_per_month
        on months.month_start = payments_per_month.month_start
    left join refunds_per_month
        on months.month_start = refunds_per_month.month_start

),

with_prior as (

    {{ select_with_prior_periods('joined', ['revenue_usd']) }}

),

with_data_start as (

    select
        with_prior.*,
        as_of.data_start_day
    from with_prior
    cross join as_of

),

final as (

    select
        ---------- keys
        month_start,

        ---------- measures: counts
        orders,
        orders_with_payment_attempt,
        paid_orders,
        discounted_paid_orders,
        refunded_paid_orders,
        payment_attempts,
        succeeded_payment_attempts,
        refunds,

        ---------- measures: money (USD)
        gross_usd,
        discount_usd,
        net_usd,
        discounted_net_usd,
        collected_usd,
        refunded_usd,
        revenue_usd,
        prior_month_revenue_usd,
        prior_year_revenue_usd,
        sum(revenue_usd) over (
            order by month_start rows between unbounded preceding and current row
        ) as cumulative_revenue_usd,

        ---------- measures: rates
        {{ growth_rate('revenue_usd', 'prior_month_revenue_usd') }} as revenue_mom_growth_rate,
        -- like for like: no year-over-year growth against a month the data starts inside
        case
            when {{ dbt.dateadd('month', -12, 'month_start') }} >= data_start_day
                then {{ growth_rate('revenue_usd', 'prior_year_revenue_usd') }}
        end as revenue_yoy_growth_rate,
        {{ commerce_revenue_kpi_columns() }}

    from with_data_start

)

select * from final
