with

dates as (

    select * from {{ ref('dim_dates') }}

),

student_activity as (

    select * from {{ ref('int_student_activity_daily') }}

),

daily_activity as (

    select
        date_day,
        count(*) as active_students,
        sum(case when is_learning_active then 1 else 0 end) as learning_active_students,
        sum(case when sessions > 0 then 1 else 0 end) as session_active_students,
        sum(case when is_enrolling_or_purchasing then 1 else 0 end)
            as enrolling_or_purchasing_students,
        sum(lesson_events) as lesson_events
    from student_activity
    group by date_day

),

final as (

    select
        ---------- keys
        dates.date_day,

        ---------- attributes
        dates.week_start,
        dates.month_start,
        dates.day_of_week,
        dates.is_weekend,

        ---------- measures
        cast(coalesce(daily_activity.active_students, 0) as {{ dbt.type_bigint() }})
            as active_students,
        cast(coalesce(daily_activity.learning_active_students, 0) as {{ dbt.type_bigint() }})
            as learning_active_students,
        cast(coalesce(daily_activity.session_active_students, 0) as {{ dbt.type_bigint() }})
            as session_active_students,
        cast(
            coalesce(daily_activity.enrolling_or_purchasing_students, 0)
            as {{ dbt.type_bigint() }}
        ) as enrolling_or_purchasing_students,
        cast(coalesce(daily_activity.lesson_events, 0) as {{ dbt.type_bigint() }})
            as lesson_events

    from dates
    left join daily_activity
        on dates.date_day = daily_activity.date_day

)

select * from final
