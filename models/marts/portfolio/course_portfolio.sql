with

courses as (

    select * from {{ ref('dim_courses') }}

),

order_items as {{ inline_cte() }} (

    select * from {{ ref('fct_order_items') }}

),

enrollments as {{ inline_cte() }} (

    select * from {{ ref('fct_enrollments') }}

),

as_of as (

    select max(activity_day) as as_of_day
    from (
        select max(enrolled_date) as activity_day from enrollments
        union all
        select cast(max(ordered_at) as date) as activity_day from order_items
    ) as activity_days

),

course_enrollments as (

    select
        enrollments.course_id,
        count(*) as enrollments,
        sum(
            case
                when
                    enrollments.enrolled_date
                    > {{ dbt.dateadd('day', -90, 'as_of.as_of_day') }}
                    then 1
                else 0
            end
        ) as enrollments_last_90_days,
        sum(
            case
                when
                    enrollments.enrolled_date
                    > {{ dbt.dateadd('day', -180, 'as_of.as_of_day') }}
                    and enrollments.enrolled_date
                    <= {{ dbt.dateadd('day', -90, 'as_of.as_of_day') }}
                    then 1
                else 0
            end
        ) as enrollments_prior_90_days,
        sum(case when enrollments.is_completed then 1 else 0 end) as completed_enrollments,
        count(enrollments.reported_progress_pct) as enrollments_with_progress,
        sum(enrollments.reported_progress_pct) as progress_pct_sum
    from enrollments
    cross join as_of
    group by enrollments.course_id

),

sales as (

    select
        course_id,
        count(*) as paid_items,
        count(distinct student_id) as paying_students,
        cast(sum(paid_usd) as decimal(38, 2)) as net_usd,
        cast(sum(refunded_usd) as decimal(38, 2)) as refunded_usd,
        cast(sum(net_paid_usd) as decimal(38, 2)) as revenue_usd
    from order_items
    where has_succeeded_payment
    group by course_id

),

joined as (

    select
        courses.course_id,
        courses.instructor_id,
        courses.course_title,
        courses.category,
        courses.subcategory,
        courses.course_status,
        as_of.as_of_day,
        courses.published_at,
        cast(
            {{ dbt.datediff('courses.published_at', 'as_of.as_of_day', 'day') }}
            as {{ dbt.type_bigint() }}
        ) as days_since_published,
        cast(coalesce(course_enrollments.enrollments, 0) as bigint) as enrollments,
        cast(coalesce(course_enrollments.enrollments_last_90_days, 0) as bigint)
            as enrollments_last_90_days,
        cast(coalesce(course_enrollments.enrollments_prior_90_days, 0) as bigint)
            as enrollments_prior_90_days,
        cast(coalesce(course_enrollments.completed_enrollments, 0) as bigint)
            as completed_enrollments,
        course_enrollments.enrollments_with_progress,
        course_enrollments.progress_pct_sum,
        coalesce(sales.paid_items, 0) as paid_items,
        coalesce(sales.paying_students, 0) as paying_students,
        coalesce(sales.net_usd, 0) as net_usd,
        coalesce(sales.refunded_usd, 0) as refunded_usd,
        coalesce(sales.revenue_usd, 0) as revenue_usd,
        courses.review_count,
        courses.average_rating
    from courses
    cross join as_of
    left join course_enrollments
        on courses.course_id = course_enrollments.course_id
    left join sales
        on courses.course_id = sales.course_id

),

ranked as (

    select
        *,
        {{ growth_rate('enrollments_last_90_days', 'enrollments_prior_90_days') }}
            as enrollment_trend_rate,
        cast(rank() over (order by revenue_usd desc) as {{ dbt.type_bigint() }}) as revenue_rank,
        cast(
            rank() over (partition by category order by revenue_usd desc) as {{ dbt.type_bigint() }}
        ) as revenue_rank_in_category,
        cast(
            rank() over (partition by category order by enrollments desc) as {{ dbt.type_bigint() }}
        ) as enrollment_rank_in_category,
        case
            when course_status = 'published'
                then cast(
                        ntile(4) over (
                            partition by category, course_status = 'published'
                            order by revenue_usd, course_id
                        ) as {{ dbt.type_bigint() }}
                    )
        end as revenue_quartile_in_category,
        case
            when course_status = 'published'
                then cast(
                        ntile(4) over (
                            partition by category, course_status = 'published'
                            order by enrollments, course_id
                        ) as {{ dbt.type_bigint() }}
                    )
        end as enrollment_quartile_in_category
    from joined

),

classified as (

    select
        *,
        coalesce(
            course_status = 'published'
            and days_since_published > 90
            and (
                (revenue_quartile_in_category = 1 and enrollment_quartile_in_category = 1)
                or (review_count >= 5 and average_rating < 3.5)
            ),
            false
        ) as is_underperforming,
        case
            when course_status = 'retired' then 'retired'
            when course_status != 'published' or published_at is null then 'unpublished'
            when days_since_published <= 90 then 'launch'
            when enrollments_prior_90_days = 0 and enrollments_last_90_days > 0 then 'growth'
            when enrollments_last_90_days = 0 then 'decline'
            when enrollment_trend_rate >= 0.1 then 'growth'
            when enrollment_trend_rate <= -0.1 then 'decline'
            else 'mature'
        end as lifecycle_stage
    from ranked

),

final as (

    select
        ---------- keys
        course_id,

        ---------- foreign keys
        instructor_id,

        ---------- attributes
        course_title,
        category,
        subcategory,
        course_status,
        lifecycle_stage,
        is_underperforming,
        as_of_day,

        ---------- timestamps (UTC)
        published_at,

        ---------- measures
        days_since_published,
        enrollments,
        enrollments_last_90_days,
        enrollments_prior_90_days,
        enrollment_trend_rate,
        completed_enrollments,
        {{ safe_divide('completed_enrollments', 'enrollments') }} as completion_rate,
        {{ safe_divide('progress_pct_sum', '100.0 * enrollments_with_progress') }}
            as average_progress_rate,
        review_count,
        average_rating,
        paid_items,
        paying_students,
        net_usd,
        refunded_usd,
        revenue_usd,
        revenue_rank,
        revenue_rank_in_category,
        enrollment_rank_in_category,
        revenue_quartile_in_category,
        enrollment_quartile_in_category

    from classified

)

select * from final
