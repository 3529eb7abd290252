{{ config(materialized='ephemeral') }}

with

lesson_activity as (

    select * from {{ ref('stg_learning__lesson_activity') }}

),

lessons as (

    select * from {{ ref('stg_learning__lessons') }}

),

enrollments as (

    select * from {{ ref('stg_learning__enrollments') }}

),

final as (

    select
        ---------- keys
        lesson_activity.event_id,

        ---------- foreign keys
        lesson_activity.enrollment_id,
        enrollments.student_id,
        lessons.course_id,
        lesson_activity.lesson_id,

        ---------- attributes
        lessons.module_number,
        lessons.lesson_position,
        lessons.lesson_type,
        lesson_activity.event_type,
        lesson_activity.is_late_arriving,

        ---------- timestamps (UTC)
        lesson_activity.occurred_at,

        ---------- measures
        lessons.video_seconds as lesson_video_seconds,
        lesson_activity.video_seconds_watched,
        lesson_activity.score,

        ---------- lineage
        lesson_activity._loaded_at

    from lesson_activity
    inner join lessons
        on lesson_activity.lesson_id = lessons.lesson_id
    inner join enrollments
        on lesson_activity.enrollment_id = enrollments.enrollment_id

)

select * from final
