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

days as (

    select
        dates.day_of_week,
        dates.day_name,
        coalesce(daily_enrollments.enrollments, 0) as enrollments
    from dates
    left join daily_enrollments
        on dates.date_day = daily_enrollments.date_day

),

by_day_of_week as (

    select
        day_of_week,
        day_name,
        count(*) as days_in_data,
        sum(enrollments) as enrollments
    from days
    group by day_of_week, day_name

),

measured as (

    select
        day_of_week,
        day_name,
        days_in_data,
        enrollments,
        {{ safe_divide('enrollments', 'days_in_data') }} as avg_daily_enrollments,
        {{ safe_divide('sum(enrollments) over ()', 'sum(days_in_data) over ()') }}
            as overall_avg_daily_enrollments
    from by_day_of_week

),

final as (

    select
        ---------- keys
        day_of_week,

        ---------- attributes
        day_name,

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
