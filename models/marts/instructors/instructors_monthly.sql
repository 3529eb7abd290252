with

instructor_activity_monthly as {{ inline_cte() }} (

    select * from {{ ref('instructor_activity_monthly') }}

),

with_prior_activity as (

    select
        current_month.instructor_id,
        current_month.month_start,
        current_month.courses_created,
        current_month.paid_items,
        prior_month.instructor_id is not null as was_active_prior_month
    from instructor_activity_monthly as current_month
    left join instructor_activity_monthly as prior_month
        on
            current_month.instructor_id = prior_month.instructor_id
            and prior_month.month_start
            = {{ dbt.dateadd('month', -1, 'current_month.month_start') }}

),

monthly as (

    select
        month_start,
        count(*) as active_instructors,
        count(case when courses_created > 0 then 1 end) as instructors_creating_courses,
        count(case when paid_items > 0 then 1 end) as instructors_selling,
        count(case when was_active_prior_month then 1 end) as retained_instructors,
        sum(courses_created) as courses_created
    from with_prior_activity
    group by month_start

),

with_prior as (

    {{ select_with_prior_periods('monthly', ['active_instructors'], offsets={'prior_month': -1}) }}

),

final as (

    select
        ---------- keys
        month_start,

        ---------- measures
        active_instructors,
        instructors_creating_courses,
        instructors_selling,
        retained_instructors,
        cast(courses_created as bigint) as courses_created,
        prior_month_active_instructors,
        {{ safe_divide('retained_instructors', 'prior_month_active_instructors') }}
            as instructor_retention_rate,
        {{ growth_rate('active_instructors', 'prior_month_active_instructors') }}
            as active_instructors_mom_growth_rate

    from with_prior

)

select * from final
