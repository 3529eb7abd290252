with

enrollments as (

    select * from {{ ref('int_enrollments_progress') }}

),

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

-- The catalog's cohort windows (maturity_days of the completion and certification KPIs): an
-- enrollment counts as completed / certified for its cohort's rates only within this many days
-- of enrolling, so a cohort's rate is final once the window has passed and never restates.
cohort_windows as (

    select
        max(case when kpi_id = 'cs_completion_rate' then maturity_days end)
            as completion_window_days,
        max(case when kpi_id = 'cs_certification_rate' then maturity_days end)
            as certification_window_days
    from catalog

),

localized as (

    select
        enrollments.*,
        -- Students without a known time zone are bucketed in UTC.
        {{ learning_to_local_timestamp('enrolled_at', "coalesce(student_time_zone, 'UTC')") }}
            as enrolled_at_local,
        coalesce(
            {{ dbt.datediff('enrolled_at', 'completed_at', 'second') }}
            <= cohort_windows.completion_window_days * 86400,
            false
        ) as is_completed_in_window,
        coalesce(
            {{ dbt.datediff('enrolled_at', 'certificate_issued_at', 'second') }}
            <= cohort_windows.certification_window_days * 86400,
            false
        ) as is_certified_in_window,
        cohort_windows.completion_window_days,
        cohort_windows.certification_window_days
    from enrollments
    cross join cohort_windows

),

final as (

    select
        ---------- keys
        enrollment_id,

        ---------- foreign keys
        student_id,
        course_id,
        order_item_id,
        cast(enrolled_at as date) as enrolled_date,

        ---------- attributes
        course_category,
        access_type,
        student_time_zone,
        is_started,
        is_completed,
        is_certified,
        is_completed_in_window,
        is_certified_in_window,
        completion_window_days,
        certification_window_days,
        furthest_lesson_position,
        course_last_lesson_position,
        cast(enrolled_at_local as date) as enrolled_local_date,
        cast({{ learning_date_part('hour', 'enrolled_at_local') }} as {{ dbt.type_int() }})
            as enrolled_local_hour,
        cast({{ learning_date_part('isodow', 'enrolled_at_local') }} as {{ dbt.type_int() }})
            as enrolled_local_day_of_week,

        ---------- timestamps (UTC unless _local)
        enrolled_at,
        enrolled_at_local,
        first_activity_at,
        last_activity_at,
        completed_at,
        certificate_issued_at,

        ---------- measures
        lessons_total,
        lessons_completed,
        modules_total,
        modules_completed,
        video_seconds_total,
        video_seconds_opened,
        video_seconds_watched,
        quizzes_available,
        quizzes_submitted,
        assignments_available,
        assignments_reached,
        assignments_submitted,
        reported_progress_pct,
        days_to_completion,
        {{ safe_divide('lessons_completed', 'lessons_total') }} as lesson_completion_rate,
        {{ safe_divide('video_seconds_watched', 'video_seconds_opened') }} as video_watch_rate

    from localized

)

select * from final
