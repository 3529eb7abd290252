{#- Incremental (the event stream, 10M rows at scale 1.0): a run computes every event and writes
    only those not held as they are (new, redelivered, restated late, or whose lesson or enrollment
    changed), after dropping the events staging no longer has. -#}
{{ config(
    materialized='incremental',
    unique_key='event_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{% if is_incremental() %}"
        ~ "{{ delete_keys_no_longer_in(ref('stg_learning__lesson_activity'), 'event_id') }}"
        ~ "{% endif %}",
) }}

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
    {% if is_incremental() %}
        except
        select * from {{ this }}
    {% endif %}

)

select * from final
