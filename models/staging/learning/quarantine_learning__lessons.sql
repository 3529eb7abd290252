with

base_lessons as (

    select * from {{ ref('base_learning__lessons').include(database=false) }}

),

quarantined_lessons as (

    select * from base_lessons
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        lesson_id,
        course_id,
        module_number,
        lesson_position,
        lesson_type,
        video_seconds,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_lessons

)

select * from final
