with

base_enrollments as (

    select * from {{ ref('base_learning__enrollments').include(database=false) }}

),

quarantined_enrollments as (

    select * from base_enrollments
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        enrollment_id,
        student_id,
        course_id,
        order_item_id,
        access_type,
        enrolled_at,
        progress_pct,
        completed_at,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_enrollments

)

select * from final
