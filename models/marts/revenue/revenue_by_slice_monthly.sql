{#- Line revenue by UTC month and the dashboards' slices (course category, instructor tier, student
    country): the revenue_by_category_monthly definition (paid_usd of the lines of paid orders
    placed in the month minus the refunds of lines issued in the month) at the grain the
    dashboards filter, so a slice's revenue is a sum of rows. The instructor tier is
    instructor_performance.pareto_segment, the tier the dashboards' filter offers. -#}
with

order_items as (

    select * from {{ ref('fct_order_items') }}

),

refunds as (

    select * from {{ ref('fct_refunds') }}

),

students as {{ inline_cte() }} (

    select * from {{ ref('dim_students') }}

),

instructors as {{ inline_cte() }} (

    select * from {{ ref('instructor_performance') }}

),

sale_lines as (

    select
        order_items.order_month_start as month_start,
        order_items.category,
        instructors.pareto_segment as instructor_tier,
        students.country_code,
        order_items.paid_usd,
        cast(0 as decimal(18, 2)) as refunded_usd,
        1 as paid_items,
        0 as refunds
    from order_items
    left join instructors
        on order_items.instructor_id = instructors.instructor_id
    left join students
        on order_items.student_id = students.student_id
    where order_items.has_succeeded_payment

),

refund_lines as (

    select
        refunds.refund_month_start as month_start,
        refunds.category,
        instructors.pareto_segment as instructor_tier,
        students.country_code,
        cast(0 as decimal(18, 2)) as paid_usd,
        refunds.refund_amount_usd as refunded_usd,
        0 as paid_items,
        1 as refunds
    from refunds
    left join instructors
        on refunds.instructor_id = instructors.instructor_id
    left join students
        on refunds.student_id = students.student_id

),

revenue_lines as (

    select * from sale_lines
    union all
    select * from refund_lines

),

slice_months as (

    select
        month_start,
        coalesce(category, 'unknown') as category,
        coalesce(instructor_tier, 'unknown') as instructor_tier,
        coalesce(country_code, 'unknown') as country_code,
        cast(sum(paid_items) as {{ dbt.type_bigint() }}) as paid_items,
        cast(sum(refunds) as {{ dbt.type_bigint() }}) as refunds,
        cast(sum(paid_usd) as decimal(18, 2)) as paid_usd,
        cast(sum(refunded_usd) as decimal(18, 2)) as refunded_usd
    from revenue_lines
    group by
        month_start,
        coalesce(category, 'unknown'),
        coalesce(instructor_tier, 'unknown'),
        coalesce(country_code, 'unknown')

),

final as (

    select
        ---------- keys
        {{ surrogate_key(['month_start', 'category', 'instructor_tier', 'country_code']) }}
            as revenue_slice_month_id,
        month_start,
        category,
        instructor_tier,
        country_code,

        ---------- measures: counts
        paid_items,
        refunds,

        ---------- measures: money (USD)
        paid_usd,
        refunded_usd,
        cast(paid_usd - refunded_usd as decimal(18, 2)) as revenue_usd

    from slice_months

)

select * from final
