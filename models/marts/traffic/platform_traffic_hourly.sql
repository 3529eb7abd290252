{#- Incremental by day: a run aggregates again the days fct_sessions wrote sessions of since its
    last run and the days whose session count changed (a session deleted or moved), and drops the
    days left without sessions; a full refresh gives the same table. -#}
{{ config(
    materialized=incremental_materialization(by_partition=true),
    unique_key='date_day',
    partition_by=partition_columns('date_day'),
    incremental_strategy=partition_incremental_strategy(),
    on_schema_change='fail',
    post_hook=[
        "{{ record_watermark(ref('fct_sessions')) }}",
        "{% if is_incremental() %}{{ delete_keys_no_longer_grouped_in('date_day', [(ref('fct_sessions'), 'date_day', 'true')]) }}{% endif %}",
    ],
) }}

with

sessions as (

    select * from {{ ref('fct_sessions') }}

),

{% if is_incremental() %}

{{ keys_to_derive_again_ctes(ref('fct_sessions'), 'date_day', 'sessions') }},

{% endif %}

-- the sessions to aggregate: all of them in a full build
sessions_of_days_to_derive as (

    select * from sessions
    {% if is_incremental() %}
        where date_day in (select keys_to_derive_again.date_day from keys_to_derive_again)
    {% endif %}

),

hourly as (

    select
        date_day,
        hour_of_day,
        device_category,
        channel,
        count(*) as sessions,
        count(case when is_logged_in then 1 end) as logged_in_sessions,
        count(case when is_converted then 1 end) as converted_sessions,
        count(case when paid_orders > 0 then 1 end) as ordering_sessions,
        count(case when is_bounce then 1 end) as bounced_sessions,
        cast(sum(pageviews) as {{ dbt.type_bigint() }}) as pageviews,
        cast(sum(duration_seconds) as {{ dbt.type_bigint() }}) as duration_seconds,
        cast(sum(net_revenue_usd) as decimal(18, 2)) as net_revenue_usd
    from sessions_of_days_to_derive
    group by date_day, hour_of_day, device_category, channel

),

final as (

    select
        ---------- keys
        date_day,
        hour_of_day,
        device_category,
        channel,

        ---------- attributes
        cast({{ learning_date_part('isodow', 'date_day') }} as {{ dbt.type_int() }}) as day_of_week,

        ---------- measures
        sessions,
        logged_in_sessions,
        converted_sessions,
        ordering_sessions,
        bounced_sessions,
        pageviews,
        duration_seconds,
        net_revenue_usd,
        {{ traffic_kpi_columns() }}

    from hourly

)

select * from final
