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
        dates.month_of_year,
        dates.month_name,
        coalesce(daily_enrollments.enrollments, 0) as enrollments
    from dates
    left join daily_enrollments
        on dates.date_day = daily_enrollments.date_day

),

by_month_of_year as (

    select
        month_of_year,
        month_name,
        count(*) as days_in_data,
        sum(enrollments) as enrollments
    from days
    group by month_of_year, month_name

),

measured as (

    select
        month_of_year,
        month_name,
        days_in_data,
        enrollments,
        {{ safe_divide('enrollments', 'days_in_data') }} as avg_daily_enrollments,
        {{ safe_divide('sum(enrollments) over ()', 'sum(days_in_data) over ()') }}
            as overall_avg_daily_enrollments
    from by_month_of_year

),

final as (

    select
        ---------- keys
        month_of_year,

        ---------- attributes
        month_name,

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
