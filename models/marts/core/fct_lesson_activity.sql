{#- Incremental: the event stream is the biggest table (10M rows at scale 1.0). A run writes only
    the events int_lesson_activity_joined wrote since its last run; afterwards it drops the events
    upstream no longer has. -#}
{{ config(
    materialized=incremental_materialization(by_partition=true),
    unique_key='event_id',
    incremental_strategy=partition_incremental_strategy(),
    partition_by=partition_columns('_written_at'),
    on_schema_change='fail',
    post_hook=[
        "{{ record_watermark(ref('int_lesson_activity_joined')) }}",
        "{% if is_incremental() and may_hold_keys_no_longer_in(ref('int_lesson_activity_joined')) %}"
        ~ "{{ delete_keys_no_longer_in(ref('int_lesson_activity_joined'), 'event_id') }}"
        ~ "{% endif %}",
    ],
) }}

with

lesson_activity as (

    select * from {{ ref('int_lesson_activity_joined') }}

),

final as (

    select
        ---------- keys
        event_id,

        ---------- foreign keys
        enrollment_id,
        student_id,
        course_id,
        lesson_id,
        cast(occurred_at as date) as activity_date,

        ---------- attributes
        module_number,
        lesson_position,
        lesson_type,
        event_type,
        is_late_arriving,

        ---------- timestamps (UTC)
        occurred_at,

        ---------- measures
        video_seconds_watched,
        score,

        ---------- lineage
        _loaded_at,
        {{ written_at_stamp() }} as _written_at

    from lesson_activity
    {% if is_incremental() %}
        where {{ written_since_last_run() }}
    {% endif %}

)

select * from final
