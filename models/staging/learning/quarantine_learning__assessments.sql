with

base_assessments as (

    select * from {{ ref('base_learning__assessments').include(database=false) }}

),

quarantined_assessments as (

    select * from base_assessments
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        assessment_id,
        enrollment_id,
        assessment_type,
        submitted_at,
        score,
        passed,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_assessments

)

select * from final
