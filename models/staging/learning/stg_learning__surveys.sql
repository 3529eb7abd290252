with

base_surveys as (

    select * from {{ ref('base_learning__surveys').include(database=false) }}

),

staged_surveys as (

    select * from base_surveys
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        response_id as survey_response_id,

        ---------- foreign keys
        student_id,
        course_id,

        ---------- timestamps (UTC)
        submitted_at,

        ---------- measures
        nps_score,
        csat_score,
        course_rating,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id

    from staged_surveys

)

select * from final
