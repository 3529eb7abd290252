with

traffic_hourly as (

    select * from {{ ref('platform_traffic_hourly') }}

),

daily as (

    select
        date_day,
        min(day_of_week) as day_of_week,
        cast(sum(sessions) as {{ dbt.type_bigint() }}) as sessions,
        cast(sum(logged_in_sessions) as {{ dbt.type_bigint() }}) as logged_in_sessions,
        cast(sum(converted_sessions) as {{ dbt.type_bigint() }}) as converted_sessions,
        cast(sum(ordering_sessions) as {{ dbt.type_bigint() }}) as ordering_sessions,
        cast(sum(bounced_sessions) as {{ dbt.type_bigint() }}) as bounced_sessions,
        cast(sum(pageviews) as {{ dbt.type_bigint() }}) as pageviews,
        cast(sum(duration_seconds) as {{ dbt.type_bigint() }}) as duration_seconds,
        cast(sum(net_revenue_usd) as decimal(18, 2)) as net_revenue_usd,
        cast(
            sum(case when channel = 'influencer' then sessions else 0 end)
            as {{ dbt.type_bigint() }}
        ) as influencer_sessions,
        cast(
            sum(case when device_category = 'mobile' then sessions else 0 end)
            as {{ dbt.type_bigint() }}
        ) as mobile_sessions
    from traffic_hourly
    group by date_day

),

final as (

    select
        ---------- keys
        date_day,

        ---------- attributes
        day_of_week,

        ---------- measures
        sessions,
        logged_in_sessions,
        converted_sessions,
        ordering_sessions,
        bounced_sessions,
        pageviews,
        duration_seconds,
        net_revenue_usd,
        influencer_sessions,
        mobile_sessions,
        {{ traffic_kpi_columns() }},
        {{ safe_divide('mobile_sessions', 'sessions') }} as mobile_share,
        {{ safe_divide('duration_seconds', 'sessions') }} as avg_session_duration_seconds

    from daily

)

select * from final
