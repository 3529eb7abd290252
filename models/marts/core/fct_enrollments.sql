with

enrollments as (

    select * from {{ ref('int_enrollments_progress') }}

),

localized as (

    select
        *,
        -- Students without a known time zone are bucketed in UTC.
        {{ learning_to_local_timestamp('enrolled_at', "coalesce(student_time_zone, 'UTC')") }}
            as enrolled_at_local
    from enrollments

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
