with

base_tickets as (

    select * from {{ ref('base_support__tickets').include(database=false) }}

),

staged_tickets as (

    select * from base_tickets
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        ticket_id,

        ---------- foreign keys
        student_id,
        course_id,

        ---------- attributes
        channel,
        topic,
        priority,
        status,
        satisfaction_score,

        ---------- timestamps (UTC)
        created_at,
        first_response_at,
        resolved_at,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id

    from staged_tickets

)

select * from final
