{#- Incremental (the biggest staged table): a run drops the rows the base model no longer stages
    and inserts the staged rows not held as they are, new deliveries and restated late flags. -#}
{{ config(
    materialized='incremental',
    unique_key=['_batch_id', '_row_number'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{% if is_incremental() %}"
        ~ "{{ delete_rows_no_longer_staged(ref('base_learning__lesson_activity')) }}"
        ~ "{% endif %}",
) }}

with

base_lesson_activity as (

    select * from {{ ref('base_learning__lesson_activity') }}

),

staged_lesson_activity as (

    select * from base_lesson_activity
    where {{ is_staged_row() }}

),

-- the staged rows this model does not hold as they are: all of them in a full build
new_lesson_activity as (

    select staged_lesson_activity.*
    from staged_lesson_activity
    {% if is_incremental() %}
        left join {{ this }} as held
            on
                staged_lesson_activity._batch_id = held._batch_id
                and staged_lesson_activity._row_number = held._row_number
                and staged_lesson_activity._is_late_arriving is not distinct from held.is_late_arriving
        where held._batch_id is null
    {% endif %}

),

final as (

    select
        ---------- keys
        event_id,

        ---------- foreign keys
        enrollment_id,
        lesson_id,

        ---------- attributes
        event_type,

        ---------- timestamps (UTC)
        occurred_at,

        ---------- measures
        video_seconds_watched,
        score,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id,
        _row_number

    from new_lesson_activity

)

select * from final
