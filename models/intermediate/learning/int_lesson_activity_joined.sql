{#- Incremental (the event stream, 10M rows at scale 1.0). A run computes only the events
    staging wrote since its last run (new, redelivered, restated late) and those whose lesson or
    enrollment changed, and stamps what it writes; afterwards it drops the events staging no longer
    has. Staging keeps only events whose lesson and enrollment are valid, so every staged event
    has both and this model holds exactly one row per staged event. -#}
{{ config(
    materialized=incremental_materialization(by_partition=true),
    unique_key='event_id',
    incremental_strategy=partition_incremental_strategy(),
    partition_by=partition_columns('_written_at'),
    on_schema_change='fail',
    post_hook=[
        "{{ record_watermark(ref('stg_learning__lesson_activity')) }}",
        "{% if is_incremental() and may_hold_keys_no_longer_in(ref('stg_learning__lesson_activity')) %}"
        ~ "{{ delete_keys_no_longer_in(ref('stg_learning__lesson_activity'), 'event_id') }}"
        ~ "{% endif %}",
    ],
) }}

with

lesson_activity as (

    select * from {{ ref('stg_learning__lesson_activity') }}

),

lessons as {{ inline_cte() }} (

    select * from {{ ref('stg_learning__lessons') }}

),

enrollments as {{ inline_cte() }} (

    select * from {{ ref('stg_learning__enrollments') }}

),

{% if is_incremental() %}

-- each lesson of the held events with the values they hold of it
held_lessons as (

    select distinct
        lesson_id,
        course_id,
        module_number,
        lesson_position,
        lesson_type,
        lesson_video_seconds
    from {{ this }}

),

-- the lessons staging now describes otherwise (or no longer has)
lessons_changed as (

    select held_lessons.lesson_id
    from held_lessons
    left join lessons
        on held_lessons.lesson_id = lessons.lesson_id
    where
        lessons.lesson_id is null
        or held_lessons.course_id is distinct from lessons.course_id
        or held_lessons.module_number is distinct from lessons.module_number
        or held_lessons.lesson_position is distinct from lessons.lesson_position
        or held_lessons.lesson_type is distinct from lessons.lesson_type
        or held_lessons.lesson_video_seconds is distinct from lessons.video_seconds

),

-- each enrollment of the held events with the student they hold for it
held_enrollments as (

    select distinct
        enrollment_id,
        student_id
    from {{ this }}

),

-- the enrollments staging now gives another student (or no longer has)
enrollments_changed as (

    select held_enrollments.enrollment_id
    from held_enrollments
    left join enrollments
        on held_enrollments.enrollment_id = enrollments.enrollment_id
    where
        enrollments.enrollment_id is null
        or held_enrollments.student_id is distinct from enrollments.student_id

),

{% endif %}

-- the events to compute: all of them in a full build
changed_lesson_activity as (

    select * from lesson_activity
    {% if is_incremental() %}
        where
            {{ written_since_last_run() }}
            or lesson_id in (select lessons_changed.lesson_id from lessons_changed)
            or enrollment_id in (select enrollments_changed.enrollment_id from enrollments_changed)
    {% endif %}

),

final as (

    select
        ---------- keys
        changed_lesson_activity.event_id,

        ---------- foreign keys
        changed_lesson_activity.enrollment_id,
        enrollments.student_id,
        lessons.course_id,
        changed_lesson_activity.lesson_id,

        ---------- attributes
        lessons.module_number,
        lessons.lesson_position,
        lessons.lesson_type,
        changed_lesson_activity.event_type,
        changed_lesson_activity.is_late_arriving,

        ---------- timestamps (UTC)
        changed_lesson_activity.occurred_at,

        ---------- measures
        lessons.video_seconds as lesson_video_seconds,
        changed_lesson_activity.video_seconds_watched,
        changed_lesson_activity.score,

        ---------- lineage
        changed_lesson_activity._loaded_at,
        {{ written_at_stamp() }} as _written_at

    from changed_lesson_activity
    left join lessons
        on changed_lesson_activity.lesson_id = lessons.lesson_id
    left join enrollments
        on changed_lesson_activity.enrollment_id = enrollments.enrollment_id

)

select * from final
