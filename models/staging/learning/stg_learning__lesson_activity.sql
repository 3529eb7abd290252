{#- A view (the event stream): the staged rows of base_learning__lesson_activity under their staging
    names, with its `_written_at`, so the models reading it incrementally follow what the base
    model wrote, and a build does not write these rows a second time. -#}
with

base_lesson_activity as (

    -- without the database: a DuckDB view binds a name in its own database file, so it still
    -- reads in a copy of the warehouse under another name, where the file's name differs
    select * from {{ ref('base_learning__lesson_activity').include(database=false) }}

),

staged_lesson_activity as (

    select * from base_lesson_activity
    where {{ is_staged_row() }}

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
        _written_at

    from staged_lesson_activity

)

select * from final
