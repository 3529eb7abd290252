{#- Web traffic of each UTC day up to each hour: one row per day and elapsed hours (1-24), the
    sessions that started in the day's first hours_elapsed hours and their rates (the
    traffic_kpi_columns of platform_traffic_daily). A partial day compares with the same part of
    the day before by a filter on hours_elapsed; hours_elapsed = 24 is the whole day. -#}
with

traffic_hourly as {{ inline_cte() }} (

    select * from {{ ref('platform_traffic_hourly') }}

),

numbers as (

    {{ dbt.generate_series(24) }}

),

elapsed_hours as (

    select cast(generated_number as {{ dbt.type_int() }}) as hours_elapsed
    from numbers

),

days as (

    select distinct date_day from traffic_hourly

),

day_hours as (

    select
        days.date_day,
        elapsed_hours.hours_elapsed
    from days
    cross join elapsed_hours

),

day_to_hour as (

    select
        day_hours.date_day,
        day_hours.hours_elapsed,
        cast(coalesce(sum(traffic_hourly.sessions), 0) as {{ dbt.type_bigint() }}) as sessions,
        cast(coalesce(sum(traffic_hourly.converted_sessions), 0) as {{ dbt.type_bigint() }})
            as converted_sessions,
        cast(coalesce(sum(traffic_hourly.ordering_sessions), 0) as {{ dbt.type_bigint() }})
            as ordering_sessions,
        cast(coalesce(sum(traffic_hourly.bounced_sessions), 0) as {{ dbt.type_bigint() }})
            as bounced_sessions,
        cast(coalesce(sum(traffic_hourly.pageviews), 0) as {{ dbt.type_bigint() }}) as pageviews
    from day_hours
    left join traffic_hourly
        on
            day_hours.date_day = traffic_hourly.date_day
            and day_hours.hours_elapsed > traffic_hourly.hour_of_day
    group by day_hours.date_day, day_hours.hours_elapsed

),

final as (

    select
        ---------- keys
        {{ surrogate_key(['date_day', 'hours_elapsed']) }} as day_hour_id,
        date_day,
        hours_elapsed,

        ---------- measures
        sessions,
        converted_sessions,
        ordering_sessions,
        bounced_sessions,
        pageviews,
        {{ traffic_kpi_columns() }}

    from day_to_hour

)

select * from final
