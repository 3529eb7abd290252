with

dates as (

    select * from {{ ref('dim_dates') }}

),

enrollments as (

    select * from {{ ref('fct_enrollments') }}

),

daily_enrollments as (

    select
        enrolled_date as date_day,
        count(*) as enrollments
    from enrollments
    group by enrolled_date

),

-- Every day of the span, so days without enrollments weigh in the averages.
days as (

    select
        dates.day_of_week,
        dates.day_name,
        dates.month_of_year,
        dates.month_name,
        coalesce(daily_enrollments.enrollments, 0) as enrollments
    from dates
    left join daily_enrollments
        on dates.date_day = daily_enrollments.date_day

),

by_period as (

    select
        'day_of_week' as seasonal_cycle,
        day_of_week as period_number,
        day_name as period_name,
        count(*) as days_in_data,
        sum(enrollments) as enrollments
    from days
    group by day_of_week, day_name

    union all

    select
        'month_of_year' as seasonal_cycle,
        month_of_year as period_number,
        month_name as period_name,
        count(*) as days_in_data,
        sum(enrollments) as enrollments
    from days
    group by month_of_year, month_name

),

measured as (

    select
        seasonal_cycle,
        period_number,
        period_name,
        days_in_data,
        enrollments,
        {{ safe_divide('enrollments', 'days_in_data') }} as avg_daily_enrollments,
        {{ safe_divide(
            'sum(enrollments) over (partition by seasonal_cycle)',
            'sum(days_in_data) over (partition by seasonal_cycle)'
        ) }} as overall_avg_daily_enrollments
    from by_period

),

final as (

    select
        ---------- keys
        seasonal_cycle,
        cast(period_number as integer) as period_number,

        ---------- attributes
        period_name,

        ---------- measures
        cast(days_in_data as {{ dbt.type_bigint() }}) as days_in_data,
        cast(enrollments as {{ dbt.type_bigint() }}) as enrollments,
        avg_daily_enrollments,
        overall_avg_daily_enrollments,
        {{ safe_divide('avg_daily_enrollments', 'overall_avg_daily_enrollments') }}
            as seasonal_index

    from measured

)

select * from final
