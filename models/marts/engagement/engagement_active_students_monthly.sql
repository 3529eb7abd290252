with

dates as {{ inline_cte() }} (

    select * from {{ ref('dim_dates') }}

),

student_activity as (

    select * from {{ ref('int_student_activity_daily') }}

),

months as (

    select
        month_start,
        count(*) as days_in_data,
        max(day_of_month) as last_day_in_data,
        {{ dbt.datediff('month_start', dbt.dateadd('month', 1, 'month_start'), 'day') }}
            as days_in_month
    from dates
    group by month_start

),

monthly_activity as (

    select
        dates.month_start,
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
    group by dates.month_start

),

measured as (

    select
        months.month_start,
        months.days_in_data,
        months.days_in_data = months.days_in_month as is_complete_month,
        coalesce(monthly_activity.active_students, 0) as active_students,
        coalesce(monthly_activity.learning_active_students, 0) as learning_active_students,
        {{ safe_divide(
            'coalesce(monthly_activity.active_student_days, 0)', 'months.days_in_data'
        ) }} as avg_daily_active_students
    from months
    left join monthly_activity
        on months.month_start = monthly_activity.month_start

),

final as (

    select
        ---------- keys
        month_start,

        ---------- attributes
        cast(days_in_data as {{ dbt.type_int() }}) as days_in_data,
        is_complete_month,

        ---------- measures
        cast(active_students as {{ dbt.type_bigint() }}) as active_students,
        cast(learning_active_students as {{ dbt.type_bigint() }}) as learning_active_students,
        avg_daily_active_students,
        {{ safe_divide('avg_daily_active_students', 'active_students') }}
            as dau_mau_stickiness_rate,
        {{ growth_rate(
            'active_students',
            'lag(active_students) over (order by month_start)'
        ) }} as active_students_growth_rate

    from measured

)

select * from final
