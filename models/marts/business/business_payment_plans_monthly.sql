{#- One row per calendar month (UTC) with orders: the students who paid for an order placed in the
    month and those of them who paid one through an installment plan (payment plan adoption), with
    the orders, installments and defaults behind it. -#}
with

orders as {{ inline_cte() }} (

    select * from {{ ref('fct_orders') }}

),

installment_plans as (

    select * from {{ ref('int_order_installment_plans') }}

),

order_months as (

    select distinct order_month_start as month_start
    from orders

),

paid_orders as (

    select
        orders.order_month_start as month_start,
        orders.student_id,
        orders.order_id,
        installment_plans.installments,
        coalesce(installment_plans.is_defaulted, false) as is_defaulted,
        installment_plans.order_id is not null as is_on_plan
    from orders
    left join installment_plans
        on orders.order_id = installment_plans.order_id
    where orders.has_succeeded_payment

),

monthly as (

    select
        month_start,
        count(distinct student_id) as buying_students,
        count(distinct case when is_on_plan then student_id end) as students_on_plan,
        count(*) as paid_orders,
        sum(case when is_on_plan then 1 else 0 end) as orders_on_plan,
        sum(case when is_defaulted then 1 else 0 end) as defaulted_plans,
        avg(installments) as avg_installments
    from paid_orders
    group by month_start

),

final as (

    select
        ---------- keys
        order_months.month_start,

        ---------- attributes
        order_months.month_start = max(order_months.month_start) over () as is_partial_month,

        ---------- measures
        cast(coalesce(monthly.buying_students, 0) as {{ dbt.type_bigint() }}) as buying_students,
        cast(coalesce(monthly.students_on_plan, 0) as {{ dbt.type_bigint() }}) as students_on_plan,
        cast(coalesce(monthly.paid_orders, 0) as {{ dbt.type_bigint() }}) as paid_orders,
        cast(coalesce(monthly.orders_on_plan, 0) as {{ dbt.type_bigint() }}) as orders_on_plan,
        cast(coalesce(monthly.defaulted_plans, 0) as {{ dbt.type_bigint() }}) as defaulted_plans,
        cast(monthly.avg_installments as {{ dbt.type_float() }}) as avg_installments,
        {{ safe_divide('monthly.students_on_plan', 'monthly.buying_students') }}
            as payment_plan_adoption_rate,
        {{ safe_divide('monthly.orders_on_plan', 'monthly.paid_orders') }} as plan_order_share
    from order_months
    left join monthly
        on order_months.month_start = monthly.month_start

)

select * from final
