with

base_tickets as (

    select * from {{ ref('base_support__tickets').include(database=false) }}

),

quarantined_tickets as (

    select * from base_tickets
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        ticket_id,
        student_id,
        course_id,
        channel,
        topic,
        priority,
        status,
        created_at,
        first_response_at,
        resolved_at,
        satisfaction_score,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_tickets

)

select * from final
