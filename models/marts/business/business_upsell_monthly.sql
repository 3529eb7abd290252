{#- One row per calendar month (UTC) with orders: the students who had bought a course by the
    month's end, those who had bought more than one (upsell), and the month's newcomers to each.
    A course counts as bought when its order is paid, refunded later or not: a refund must not
    change a closed month. -#}
with

order_items as {{ inline_cte() }} (

    select * from {{ ref('fct_order_items') }}

),

order_months as (

    select distinct order_month_start as month_start
    from order_items

),

student_courses as (

    select
        student_id,
        course_id,
        min(order_month_start) as bought_month_start
    from order_items
    where has_succeeded_payment
    group by student_id, course_id

),

numbered_courses as (

    select
        student_id,
        bought_month_start,
        row_number() over (
            partition by student_id
            order by bought_month_start, course_id
        ) as course_number
    from student_courses

),

-- the month a student bought a first course, and the month a second one
milestones as (

    select
        bought_month_start as month_start,
        sum(case when course_number = 1 then 1 else 0 end) as new_buyers,
        sum(case when course_number = 2 then 1 else 0 end) as new_repeat_buyers
    from numbered_courses
    where course_number <= 2
    group by bought_month_start

),

monthly as (

    select
        order_months.month_start,
        coalesce(milestones.new_buyers, 0) as new_buyers,
        coalesce(milestones.new_repeat_buyers, 0) as new_repeat_buyers
    from order_months
    left join milestones
        on order_months.month_start = milestones.month_start

),

cumulative as (

    select
        month_start,
        new_buyers,
        new_repeat_buyers,
        sum(new_buyers) over (
            order by month_start rows between unbounded preceding and current row
        ) as buyers_to_date,
        sum(new_repeat_buyers) over (
            order by month_start rows between unbounded preceding and current row
        ) as repeat_buyers_to_date
    from monthly

),

final as (

    select
        ---------- keys
        month_start,

        ---------- attributes
        month_start = max(month_start) over () as is_partial_month,

        ---------- measures
        cast(new_buyers as {{ dbt.type_bigint() }}) as new_buyers,
        cast(new_repeat_buyers as {{ dbt.type_bigint() }}) as new_repeat_buyers,
        cast(buyers_to_date as {{ dbt.type_bigint() }}) as buyers_to_date,
        cast(repeat_buyers_to_date as {{ dbt.type_bigint() }}) as repeat_buyers_to_date,
        {{ safe_divide('repeat_buyers_to_date', 'buyers_to_date') }} as upsell_rate
    from cumulative

)

select * from final
