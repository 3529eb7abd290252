{#- Incremental (the event stream): a run takes in the base model's rows written since its last run
    (its watermark, recorded after each run): it drops those it holds and appends those staged,
    new deliveries and restated late flags alike. -#}
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{% if is_incremental() %}"
        ~ "{{ delete_rows_written_again(ref('base_learning__lesson_activity')) }}"
        ~ "{% endif %}",
    post_hook="{{ record_watermark(ref('base_learning__lesson_activity')) }}",
) }}

with

base_lesson_activity as (

    select * from {{ ref('base_learning__lesson_activity') }}

),

staged_lesson_activity as (

    select * from base_lesson_activity
    where {{ is_staged_row() }}

),

-- the staged rows the base model wrote since this model's last run: all of them in a full build
new_lesson_activity as (

    select * from staged_lesson_activity
    {% if is_incremental() %}
        where {{ written_since_last_run() }}
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
        _row_number,
        {{ written_at_stamp() }} as _written_at

    from new_lesson_activity

)

select * from final
