with

base_surveys as (

    select * from {{ ref('base_learning__surveys').include(database=false) }}

),

quarantined_surveys as (

    select * from base_surveys
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        response_id,
        student_id,
        course_id,
        submitted_at,
        nps_score,
        csat_score,
        course_rating,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_surveys

)

select * from final
