{#- The reporting as-of day: the newest UTC day with an order, a lesson event or a web session,
    so rebuilding the same data gives the same complete periods (never current_date). The as-of
    day itself may be partial, so a period is complete when it ends before it. The data-start day
    is the first day every one of those sources has data: a period that starts before it is
    partial (the data begins inside it) and is never compared or scored. -#}
with

source_coverage as (

    select * from {{ ref('int_source_coverage') }}

),

activity_sources as (

    select
        first_day,
        last_day
    from source_coverage
    where
        source_entity in (
            'marketplace.orders', 'learning.lesson_activity', 'web_analytics.sessions'
        )

),

as_of as (

    select
        max(first_day) as data_start_day,
        max(last_day) as as_of_day
    from activity_sources

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
