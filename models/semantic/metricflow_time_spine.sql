{#- MetricFlow's time spine: one row per UTC day from January 1st of the year before the first
    day of the data (so year-over-year offsets and month-grain measures starting on the 1st have
    their days) to the newest day (dim_dates: the as-of day). Bounded by the data, so cumulative
    metrics stop at the as-of day instead of running on into empty future days. The days come
    from commerce_day_series, the project's day-spine macro. -#}
with

dates as (

    select * from {{ ref('dim_dates') }}

),

bounds as (

    select
        cast(
            {{ dbt.dateadd('year', -1, dbt.date_trunc('year', 'min(date_day)')) }} as date
        ) as first_day,
        max(date_day) as last_day
    from dates

),

date_spine as (

    {{ commerce_day_series('bounds', 'first_day', 'last_day') }}

),

final as (

    select date_day
    from date_spine

)

select * from final
