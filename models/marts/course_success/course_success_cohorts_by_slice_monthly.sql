{#- Enrollment cohorts (UTC month of enrollment) by the dashboards' slices (course category,
    instructor tier, student country): enrollments and those completed / certified within the
    catalog's cohort windows (fct_enrollments' *_in_window flags), the terms of
    course_success_monthly's *_rate_in_window KPIs; summed over the rows of a slice they give its rates. The instructor
    tier is instructor_performance.pareto_segment, the tier the dashboards' filter offers. -#}
with

enrollments as (

    select * from {{ ref('fct_enrollments') }}

),

courses as (

    select * from {{ ref('dim_courses') }}

),

instructors as (

    select * from {{ ref('instructor_performance') }}

),

students as (

    select * from {{ ref('dim_students') }}

),

enrollment_lines as (

    select
        cast({{ dbt.date_trunc('month', 'enrollments.enrolled_at') }} as date) as month_start,
        coalesce(enrollments.course_category, 'unknown') as category,
        coalesce(instructors.pareto_segment, 'unknown') as instructor_tier,
        coalesce(students.country_code, 'unknown') as country_code,
        enrollments.is_completed_in_window,
        enrollments.is_certified_in_window
    from enrollments
    left join courses
        on enrollments.course_id = courses.course_id
    left join instructors
        on courses.instructor_id = instructors.instructor_id
    left join students
        on enrollments.student_id = students.student_id

),

cohorts as (

    select
        month_start,
        category,
        instructor_tier,
        country_code,
        cast(count(*) as {{ dbt.type_bigint() }}) as enrollments,
        cast(count(case when is_completed_in_window then 1 end) as {{ dbt.type_bigint() }})
            as completed_in_window_enrollments,
        cast(count(case when is_certified_in_window then 1 end) as {{ dbt.type_bigint() }})
            as certified_in_window_enrollments
    from enrollment_lines
    group by month_start, category, instructor_tier, country_code

),

final as (

    select
        ---------- keys
        {{ surrogate_key(['month_start', 'category', 'instructor_tier', 'country_code']) }}
            as cohort_slice_id,
        month_start,
        category,
        instructor_tier,
        country_code,

        ---------- measures
        enrollments,
        completed_in_window_enrollments,
        certified_in_window_enrollments,
        {{ safe_divide('completed_in_window_enrollments', 'enrollments') }}
            as completion_rate_in_window,
        {{ safe_divide('certified_in_window_enrollments', 'enrollments') }}
            as certification_rate_in_window

    from cohorts

)

select * from final
