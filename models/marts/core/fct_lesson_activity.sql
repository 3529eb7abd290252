{#- Incremental: the event stream is the biggest table (10M rows at scale 1.0). A run computes
    every event and writes only those not held as they are (new, redelivered, quarantined or
    restated late, or whose lesson or enrollment changed), after dropping the events
    int_lesson_activity_joined no longer has. -#}
{{ config(
    materialized='incremental',
    unique_key='event_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{% if is_incremental() %}"
        ~ "{{ delete_keys_no_longer_in(ref('int_lesson_activity_joined'), 'event_id') }}"
        ~ "{% endif %}",
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
        _loaded_at

    from lesson_activity
    {% if is_incremental() %}
        except
        select * from {{ this }}
    {% endif %}

)

select * from final
