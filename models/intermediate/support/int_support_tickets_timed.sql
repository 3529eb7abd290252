{#- One row per staged support ticket with how long it waited for its first answer and its
    resolution (in hours of the clock, nights and weekends included, as the student waited). -#}
with

tickets as (

    select * from {{ ref('stg_support__tickets') }}

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
        first_response_at is not null as is_answered,
        resolved_at is not null as is_resolved,
        satisfaction_score is not null as is_rated,
        satisfaction_score,

        ---------- timestamps (UTC)
        created_at,
        first_response_at,
        resolved_at,
        cast({{ dbt.date_trunc('month', 'created_at') }} as date) as created_month_start,
        cast({{ dbt.date_trunc('month', 'resolved_at') }} as date) as resolved_month_start,

        ---------- measures
        {{ hours_between('created_at', 'first_response_at') }} as first_response_hours,
        {{ hours_between('created_at', 'resolved_at') }} as resolution_hours

    from tickets

)

select * from final
