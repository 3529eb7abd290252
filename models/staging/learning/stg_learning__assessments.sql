with

base_assessments as (

    select * from {{ ref('base_learning__assessments').include(database=false) }}

),

staged_assessments as (

    select * from base_assessments
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        assessment_id,

        ---------- foreign keys
        enrollment_id,

        ---------- attributes
        assessment_type,
        passed as is_passed,

        ---------- timestamps (UTC)
        submitted_at,

        ---------- measures
        score,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id

    from staged_assessments

)

select * from final
