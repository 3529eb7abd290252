with

dates as {{ inline_cte() }} (

    select * from {{ ref('dim_dates') }}

),

student_activity as (

    select * from {{ ref('int_student_activity_daily') }}

),

months as (

    select distinct month_start from dates

),

student_months as (

    select distinct
        student_activity.student_id,
        dates.month_start
    from student_activity
    inner join dates
        on student_activity.date_day = dates.date_day
    where student_activity.is_enrolling_or_purchasing

),

classified as (

    select
        student_id,
        month_start,
        month_start = min(month_start) over (partition by student_id) as is_new
    from student_months

),

monthly as (

    select
        month_start,
        count(*) as enrolling_or_purchasing_students,
        sum(case when is_new then 1 else 0 end) as new_students,
        sum(case when is_new then 0 else 1 end) as returning_students
    from classified
    group by month_start

),

final as (

    select
        ---------- keys
        months.month_start,

        ---------- measures
        cast(coalesce(monthly.enrolling_or_purchasing_students, 0) as {{ dbt.type_bigint() }})
            as enrolling_or_purchasing_students,
        cast(coalesce(monthly.new_students, 0) as {{ dbt.type_bigint() }}) as new_students,
        cast(coalesce(monthly.returning_students, 0) as {{ dbt.type_bigint() }})
            as returning_students,
        {{ safe_divide('monthly.new_students', 'monthly.enrolling_or_purchasing_students') }}
            as new_student_share,
        {{ safe_divide('monthly.returning_students', 'monthly.enrolling_or_purchasing_students') }}
            as returning_student_share

    from months
    left join monthly
        on months.month_start = monthly.month_start

)

select * from final
