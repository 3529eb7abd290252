{#- One row per calendar month (UTC) with support tickets opened or solved: help requests per
    active student, how fast the desk first answered the month's tickets, and how the students
    rated the tickets solved in the month. -#}
with

tickets as {{ inline_cte() }} (

    select * from {{ ref('fct_support_tickets') }}

),

active_students as (

    select * from {{ ref('engagement_active_students_monthly') }}

),

opened as (

    select
        created_month_start as month_start,
        count(*) as tickets_opened,
        count(distinct student_id) as students_with_tickets,
        sum(case when is_answered then 1 else 0 end) as answered_tickets,
        sum(case when first_response_hours <= 2 then 1 else 0 end) as answered_within_2h_tickets,
        {{ scorecard_median('first_response_hours') }} as median_first_response_hours
    from tickets
    group by created_month_start

),

solved as (

    select
        resolved_month_start as month_start,
        count(*) as resolved_tickets,
        sum(case when is_rated then 1 else 0 end) as rated_tickets,
        sum(case when satisfaction_score >= 4 then 1 else 0 end) as satisfied_tickets,
        avg(cast(satisfaction_score as {{ dbt.type_float() }})) as avg_satisfaction_score,
        {{ scorecard_median('resolution_hours') }} as median_resolution_hours
    from tickets
    where is_resolved
    group by resolved_month_start

),

months as (

    select month_start from opened
    union
    select month_start from solved

),

joined as (

    select
        months.month_start,
        coalesce(opened.tickets_opened, 0) as tickets_opened,
        coalesce(opened.students_with_tickets, 0) as students_with_tickets,
        coalesce(opened.answered_tickets, 0) as answered_tickets,
        coalesce(opened.answered_within_2h_tickets, 0) as answered_within_2h_tickets,
        opened.median_first_response_hours,
        coalesce(solved.resolved_tickets, 0) as resolved_tickets,
        solved.median_resolution_hours,
        coalesce(solved.rated_tickets, 0) as rated_tickets,
        coalesce(solved.satisfied_tickets, 0) as satisfied_tickets,
        solved.avg_satisfaction_score,
        active_students.active_students
    from months
    left join opened
        on months.month_start = opened.month_start
    left join solved
        on months.month_start = solved.month_start
    left join active_students
        on months.month_start = active_students.month_start

),

final as (

    select
        ---------- keys
        month_start,

        ---------- attributes
        month_start = max(month_start) over () as is_partial_month,

        ---------- measures
        cast(tickets_opened as {{ dbt.type_bigint() }}) as tickets_opened,
        cast(students_with_tickets as {{ dbt.type_bigint() }}) as students_with_tickets,
        cast(active_students as {{ dbt.type_bigint() }}) as active_students,
        cast(answered_tickets as {{ dbt.type_bigint() }}) as answered_tickets,
        cast(answered_within_2h_tickets as {{ dbt.type_bigint() }}) as answered_within_2h_tickets,
        cast(resolved_tickets as {{ dbt.type_bigint() }}) as resolved_tickets,
        cast(rated_tickets as {{ dbt.type_bigint() }}) as rated_tickets,
        cast(satisfied_tickets as {{ dbt.type_bigint() }}) as satisfied_tickets,
        {{ safe_divide('tickets_opened', 'active_students') }} as help_requests_per_student,
        {{ safe_divide('students_with_tickets', 'active_students') }} as students_with_tickets_rate,
        cast(median_first_response_hours as {{ dbt.type_float() }}) as median_first_response_hours,
        {{ safe_divide('answered_within_2h_tickets', 'answered_tickets') }}
            as answered_within_2h_rate,
        cast(median_resolution_hours as {{ dbt.type_float() }}) as median_resolution_hours,
        cast(avg_satisfaction_score as {{ dbt.type_float() }}) as avg_satisfaction_score,
        {{ safe_divide('satisfied_tickets', 'rated_tickets') }} as satisfied_rate
    from joined

)

select * from final
