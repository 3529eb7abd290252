with

base_lessons as (

    select * from {{ ref('base_learning__lessons').include(database=false) }}

),

staged_lessons as (

    select * from base_lessons
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        lesson_id,

        ---------- foreign keys
        course_id,

        ---------- attributes
        module_number,
        lesson_position,
        lesson_type,

        ---------- measures
        video_seconds,

        ---------- lineage
        _loaded_at,
        _source_file,
        _batch_id

    from staged_lessons

)

select * from final
