{#- Enrollment cohorts (UTC month of enrollment) by the dashboards' slices (course category,
    instructor tier, student country): enrollments and those completed / certified within the
    catalog's cohort windows, summed from engagement_enrollments_hourly (the same slices by UTC
    day and hour), the terms of course_success_monthly's *_rate_in_window KPIs; summed over the
    rows of a slice they give its rates. The instructor tier is
    instructor_performance.pareto_segment, the tier the dashboards' filter offers. -#}
with

enrollments_hourly as (

    select * from {{ ref('engagement_enrollments_hourly') }}

),

cohorts as (

    select
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
        category,
        instructor_tier,
        country_code,
        cast(sum(enrollments) as {{ dbt.type_bigint() }}) as enrollments,
        cast(sum(completed_in_window_enrollments) as {{ dbt.type_bigint() }})
            as completed_in_window_enrollments,
        cast(sum(certified_in_window_enrollments) as {{ dbt.type_bigint() }})
            as certified_in_window_enrollments
    from enrollments_hourly
    group by
        cast({{ dbt.date_trunc('month', 'date_day') }} as date),
        category,
        instructor_tier,
        country_code

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
