with

tickets as (

    select * from {{ ref('int_support_tickets_timed') }}

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
        is_answered,
        is_resolved,
        is_rated,
        satisfaction_score,

        ---------- timestamps (UTC)
        created_at,
        first_response_at,
        resolved_at,
        created_month_start,
        resolved_month_start,

        ---------- measures
        cast(first_response_hours as {{ dbt.type_float() }}) as first_response_hours,
        cast(resolution_hours as {{ dbt.type_float() }}) as resolution_hours

    from tickets

)

select * from final
