{#- Instructors by UTC month and instructor tier (instructor_performance.pareto_segment): the
    instructors active in the month (a row of instructor_activity_monthly: a course created or
    published, or a paid sale) and their revenue. -#}
with

activity as (

    select * from {{ ref('instructor_activity_monthly') }}

),

instructors as (

    select * from {{ ref('instructor_performance') }}

),

tier_months as (

    select
        activity.month_start,
        instructors.pareto_segment as instructor_tier,
        cast(count(distinct activity.instructor_id) as {{ dbt.type_bigint() }})
            as active_instructors,
        cast(sum(activity.revenue_usd) as decimal(18, 2)) as revenue_usd
    from activity
    inner join instructors
        on activity.instructor_id = instructors.instructor_id
    group by activity.month_start, instructors.pareto_segment

),

final as (

    select
        ---------- keys
        {{ surrogate_key(['month_start', 'instructor_tier']) }} as tier_month_id,
        month_start,
        instructor_tier,

        ---------- measures
        active_instructors,
        revenue_usd

    from tier_months

)

select * from final
