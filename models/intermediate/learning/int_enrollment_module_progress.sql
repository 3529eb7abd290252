{#- Incremental (the lesson activity summed per enrollment and module, so the enrollments' progress
    reads a table a third the size of the events): a run sums again the enrollments whose events
    int_lesson_activity_joined wrote since its last run and those whose event count changed, and
    drops the enrollments left without events. On Spark the table is partitioned by `_written_at`
    like the chains: a run adds the enrollments it summed as one partition and the post-hook
    prunes the rows they supersede. -#}
{{ config(
    materialized=incremental_materialization(by_partition=true),
    unique_key='enrollment_id',
    incremental_strategy=partition_incremental_strategy(),
    partition_by=partition_columns('_written_at'),
    on_schema_change='fail',
    post_hook=[
        "{{ record_watermark(ref('int_lesson_activity_joined')) }}",
        "{% if is_incremental() %}"
        ~ "{{ delete_keys_no_longer_in(ref('int_lesson_activity_joined'), 'enrollment_id') }}"
        ~ "{% endif %}",
    ],
) }}

with

lesson_activity as (

    select * from {{ ref('int_lesson_activity_joined') }}

),

{% if is_incremental() %}

{{ keys_to_derive_again_ctes(ref('int_lesson_activity_joined'), 'enrollment_id', 'lesson_events') }},

{% endif %}

-- the events to sum: all of them in a full build
activity_to_sum as (

    select * from lesson_activity
    {% if is_incremental() %}
        where enrollment_id in (select keys_to_derive_again.enrollment_id from keys_to_derive_again)
    {% endif %}

),

lesson_progress as (

    select
        enrollment_id,
        lesson_id,
        course_id,
        module_number,
        lesson_position,
        lesson_type,
        count(*) as lesson_events,
        min(occurred_at) as first_activity_at,
        max(occurred_at) as last_activity_at,
        max(case when event_type = 'lesson_complete' then 1 else 0 end) as is_lesson_completed,
        max(
            case when event_type in ('quiz_submit', 'assignment_submit') then 1 else 0 end
        ) as is_lesson_submitted,
        -- Rewatching a video does not count twice: watched time is capped at the video length.
        least(sum(video_seconds_watched), max(lesson_video_seconds)) as video_seconds_watched,
        max(lesson_video_seconds) as video_seconds_opened
    from activity_to_sum
    group by
        enrollment_id,
        lesson_id,
        course_id,
        module_number,
        lesson_position,
        lesson_type

),

final as (

    select
        ---------- keys
        enrollment_id,
        course_id,
        module_number,

        ---------- timestamps (UTC)
        min(first_activity_at) as first_activity_at,
        max(last_activity_at) as last_activity_at,

        ---------- measures
        cast(sum(lesson_events) as {{ dbt.type_bigint() }}) as lesson_events,
        cast(sum(is_lesson_completed) as {{ dbt.type_bigint() }}) as lessons_completed,
        cast(sum(video_seconds_watched) as {{ dbt.type_bigint() }}) as video_seconds_watched,
        cast(sum(video_seconds_opened) as {{ dbt.type_bigint() }}) as video_seconds_opened,
        cast(
            sum(case when lesson_type = 'quiz' then is_lesson_submitted else 0 end)
            as {{ dbt.type_bigint() }}
        ) as quizzes_submitted,
        cast(
            sum(case when lesson_type = 'assignment' then 1 else 0 end) as {{ dbt.type_bigint() }}
        ) as assignments_reached,
        cast(
            sum(case when lesson_type = 'assignment' then is_lesson_submitted else 0 end)
            as {{ dbt.type_bigint() }}
        ) as assignments_submitted,
        max(lesson_position) as furthest_lesson_position,

        ---------- lineage
        {{ written_at_stamp() }} as _written_at

    from lesson_progress
    group by enrollment_id, course_id, module_number

)

select * from final
