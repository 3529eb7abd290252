{#- Enrollments by UTC day, hour of the day and the dashboards' slices (course category,
    instructor tier, student country): the tactical dashboard's enrollments, summed over the hours
    of the day elapsed and the slices selected, and those completed / certified within the
    catalog's cohort windows (fct_enrollments' flags), which course_success_cohorts_by_slice_monthly
    sums by month. The instructor tier is instructor_performance.pareto_segment, the tier the
    dashboards' filter offers. -#}
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
        cast(enrollments.enrolled_at as date) as date_day,
        cast({{ learning_date_part('hour', 'enrollments.enrolled_at') }} as {{ dbt.type_int() }})
            as hour_of_day,
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

hourly as (

    select
        date_day,
        hour_of_day,
        category,
        instructor_tier,
        country_code,
        cast(count(*) as {{ dbt.type_bigint() }}) as enrollments,
        cast(count(case when is_completed_in_window then 1 end) as {{ dbt.type_bigint() }})
            as completed_in_window_enrollments,
        cast(count(case when is_certified_in_window then 1 end) as {{ dbt.type_bigint() }})
            as certified_in_window_enrollments
    from enrollment_lines
    group by date_day, hour_of_day, category, instructor_tier, country_code

),

final as (

    select
        ---------- keys
        {{ surrogate_key([
            'date_day', 'hour_of_day', 'category', 'instructor_tier', 'country_code'
        ]) }} as enrollment_hour_id,
        date_day,
        hour_of_day,
        category,
        instructor_tier,
        country_code,

        ---------- measures
        enrollments,
        completed_in_window_enrollments,
        certified_in_window_enrollments

    from hourly

)

select * from final
