with

instructors as (

    select * from {{ ref('dim_instructors') }}

),

courses as {{ inline_cte() }} (

    select * from {{ ref('dim_courses') }}

),

order_items as {{ inline_cte() }} (

    select * from {{ ref('fct_order_items') }}

),

revenue_by_instructor_monthly as (

    select * from {{ ref('revenue_by_instructor_monthly') }}

),

as_of as (

    select max(activity_day) as as_of_day
    from (
        select cast(max(ordered_at) as date) as activity_day from order_items
        union all
        select cast(max(created_at) as date) as activity_day from courses
    ) as activity_days

),

sales as (

    select
        instructor_id,
        count(*) as paid_items,
        count(distinct student_id) as students,
        max(ordered_at) as last_sale_at
    from order_items
    where has_succeeded_payment
    group by instructor_id

),

revenue as (

    select
        instructor_id,
        sum(net_usd) as net_usd,
        sum(refunded_usd) as refunded_usd,
        sum(revenue_usd) as revenue_usd
    from revenue_by_instructor_monthly
    group by instructor_id

),

course_creation as (

    select
        courses.instructor_id,
        count(
            case
                when
                    cast(courses.created_at as date)
                    > {{ dbt.dateadd('day', -365, 'as_of.as_of_day') }}
                    then 1
            end
        ) as courses_created_last_365_days
    from courses
    cross join as_of
    group by courses.instructor_id

),

joined as (

    select
        instructors.instructor_id,
        instructors.instructor_name,
        instructors.instructor_status,
        as_of.as_of_day,
        instructors.joined_at,
        instructors.first_course_created_at,
        instructors.last_course_created_at,
        sales.last_sale_at,
        case
            when instructors.last_course_created_at is null then sales.last_sale_at
            when sales.last_sale_at is null then instructors.last_course_created_at
            when sales.last_sale_at > instructors.last_course_created_at then sales.last_sale_at
            else instructors.last_course_created_at
        end as last_activity_at,
        instructors.courses,
        instructors.published_courses,
        coalesce(course_creation.courses_created_last_365_days, 0)
            as courses_created_last_365_days,
        {{ dbt.datediff(
            dbt.date_trunc('month', 'instructors.first_course_created_at'),
            dbt.date_trunc('month', 'as_of.as_of_day'),
            'month'
        ) }} + 1 as months_since_first_course,
        coalesce(sales.paid_items, 0) as paid_items,
        coalesce(sales.students, 0) as students,
        instructors.review_count,
        instructors.average_rating,
        coalesce(revenue.net_usd, 0) as net_usd,
        coalesce(revenue.refunded_usd, 0) as refunded_usd,
        coalesce(revenue.revenue_usd, 0) as revenue_usd
    from instructors
    cross join as_of
    left join sales
        on instructors.instructor_id = sales.instructor_id
    left join revenue
        on instructors.instructor_id = revenue.instructor_id
    left join course_creation
        on instructors.instructor_id = course_creation.instructor_id

),

ranked as (

    select
        *,
        cast(
            {{ dbt.datediff('last_activity_at', 'as_of_day', 'day') }}
            as {{ dbt.type_bigint() }}
        ) as days_since_last_activity,
        cast(
            row_number() over (order by revenue_usd desc, instructor_id asc)
            as {{ dbt.type_bigint() }}
        ) as revenue_rank,
        count(case when revenue_usd > 0 then 1 end) over () as instructors_with_revenue,
        sum(revenue_usd) over () as total_revenue_usd,
        sum(revenue_usd) over (
            order by revenue_usd desc, instructor_id asc
            rows between unbounded preceding and current row
        ) as cumulative_revenue_usd
    from joined

),

classified as (

    select
        *,
        revenue_usd > 0
        and revenue_rank <= ceiling(0.1 * instructors_with_revenue) as is_top_10_pct,
        case
            when days_since_last_activity is null then 'never_active'
            when days_since_last_activity <= 30 then 'active'
            when days_since_last_activity <= 90 then 'at_risk'
            else 'churned'
        end as activity_status
    from ranked

),

final as (

    select
        ---------- keys
        instructor_id,

        ---------- attributes
        instructor_name,
        instructor_status,
        case when is_top_10_pct then 'top_10_pct' else 'long_tail' end as pareto_segment,
        is_top_10_pct,
        activity_status,
        activity_status = 'churned' as is_churned,
        activity_status = 'at_risk' as is_at_risk,
        as_of_day,

        ---------- timestamps (UTC)
        joined_at,
        first_course_created_at,
        last_course_created_at,
        last_sale_at,
        last_activity_at,

        ---------- measures
        days_since_last_activity,
        courses,
        published_courses,
        courses_created_last_365_days,
        {{ safe_divide('courses', 'months_since_first_course') }} as courses_per_month,
        paid_items,
        students,
        review_count,
        average_rating,
        net_usd,
        refunded_usd,
        revenue_usd,
        revenue_rank,
        {{ safe_divide('revenue_usd', 'total_revenue_usd') }} as revenue_share,
        {{ safe_divide('cumulative_revenue_usd', 'total_revenue_usd') }}
            as cumulative_revenue_share

    from classified

)

select * from final
