{#- The scorecard's as-of day: the newest UTC day with an order, a lesson event or a web session,
    so rebuilding the same data gives the same complete periods (never current_date). The as-of
    day itself may be partial, so a period is complete when it ends before it. The data-start day
    is the first day every one of those sources has data: a period that starts before it is
    partial (the data begins inside it) and is never compared or scored. -#}
with

orders as (

    select * from {{ ref('stg_marketplace__orders') }}

),

lesson_activity as (

    select * from {{ ref('stg_learning__lesson_activity') }}

),

sessions as (

    select * from {{ ref('stg_web_analytics__sessions') }}

),

event_days as (

    select
        cast(min(ordered_at) as date) as first_day,
        cast(max(ordered_at) as date) as event_day
    from orders
    union all
    select
        cast(min(occurred_at) as date) as first_day,
        cast(max(occurred_at) as date) as event_day
    from lesson_activity
    union all
    select
        cast(min(started_at) as date) as first_day,
        cast(max(started_at) as date) as event_day
    from sessions

),

as_of as (

    select
        max(first_day) as data_start_day,
        max(event_day) as as_of_day
    from event_days

),

final as (

    select
        as_of_day,
        data_start_day,
        cast(
            {{ dbt.dateadd('month', -1, dbt.date_trunc('month', 'as_of_day')) }} as date
        ) as latest_complete_month_start
    from as_of

)

select * from final
