with

base_lesson_activity as (

    select * from {{ ref('base_learning__lesson_activity').include(database=false) }}

),

quarantined_lesson_activity as (

    select * from base_lesson_activity
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        event_id,
        enrollment_id,
        lesson_id,
        event_type,
        occurred_at,
        video_seconds_watched,
        score,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_lesson_activity

)

select * from final
