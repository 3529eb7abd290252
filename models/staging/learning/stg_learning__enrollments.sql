with

base_enrollments as (

    select * from {{ ref('base_learning__enrollments').include(database=false) }}

),

staged_enrollments as (

    select * from base_enrollments
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        enrollment_id,

        ---------- foreign keys
        student_id,
        course_id,
        order_item_id,

        ---------- attributes
        access_type,

        ---------- timestamps (UTC)
        enrolled_at,
        completed_at,

        ---------- measures
        progress_pct,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id

    from staged_enrollments

)

select * from final
