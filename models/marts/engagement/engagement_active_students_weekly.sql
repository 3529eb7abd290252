with

dates as {{ inline_cte() }} (

    select * from {{ ref('dim_dates') }}

),

student_activity as (

    select * from {{ ref('int_student_activity_daily') }}

),

weeks as (

    select
        week_start,
        count(*) as days_in_data
    from dates
    group by week_start

),

weekly_activity as (

    select
        dates.week_start,
        count(distinct student_activity.student_id) as active_students,
        count(
            distinct case
                when student_activity.is_learning_active then student_activity.student_id
            end
        ) as learning_active_students,
        count(*) as active_student_days
    from student_activity
    inner join dates
        on student_activity.date_day = dates.date_day
    group by dates.week_start

),

final as (

    select
        ---------- keys
        weeks.week_start,

        ---------- attributes
        cast(weeks.days_in_data as {{ dbt.type_int() }}) as days_in_data,
        weeks.days_in_data = 7 as is_complete_week,

        ---------- measures
        cast(coalesce(weekly_activity.active_students, 0) as {{ dbt.type_bigint() }})
            as active_students,
        cast(coalesce(weekly_activity.learning_active_students, 0) as {{ dbt.type_bigint() }})
            as learning_active_students,
        {{ safe_divide('coalesce(weekly_activity.active_student_days, 0)', 'weeks.days_in_data') }}
            as avg_daily_active_students,
        {{ safe_divide(
            safe_divide('coalesce(weekly_activity.active_student_days, 0)', 'weeks.days_in_data'),
            'weekly_activity.active_students'
        ) }} as dau_wau_stickiness_rate

    from weeks
    left join weekly_activity
        on weeks.week_start = weekly_activity.week_start

)

select * from final
