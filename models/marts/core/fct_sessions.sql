{#- Incremental (a row per session: the second biggest stream). A run computes
    every session and writes only those not held as they are (new, redelivered, reattributed, or
    whose orders changed), after dropping the sessions upstream no longer has. -#}
{{ config(
    materialized='incremental',
    unique_key='session_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{% if is_incremental() %}"
        ~ "{{ delete_keys_no_longer_in(ref('int_sessions_attributed'), 'session_id') }}"
        ~ "{% endif %}",
) }}

with

sessions as (

    select * from {{ ref('int_sessions_attributed') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

orders_per_session as (

    select
        session_id,
        count(*) as orders,
        count(case when has_succeeded_payment then 1 end) as paid_orders,
        sum(case when has_succeeded_payment then net_collected_usd else 0 end) as net_revenue_usd
    from orders
    where session_id is not null
    group by session_id

),

final as (

    select
        ---------- keys
        sessions.session_id,

        ---------- foreign keys
        sessions.visitor_id,
        sessions.student_id,
        sessions.campaign_id,

        ---------- attributes
        sessions.channel,
        sessions.is_campaign_session,
        sessions.device_category,
        sessions.landing_page,
        sessions.referrer_host,
        sessions.utm_source,
        sessions.utm_medium,
        sessions.utm_campaign,
        sessions.is_converted,
        sessions.is_bounce,
        sessions.is_logged_in,

        ---------- timestamps (UTC)
        sessions.started_at,
        sessions.date_day,
        sessions.hour_of_day,

        ---------- measures
        sessions.pageviews,
        sessions.duration_seconds,
        coalesce(orders_per_session.orders, 0) as orders,
        coalesce(orders_per_session.paid_orders, 0) as paid_orders,
        cast(coalesce(orders_per_session.net_revenue_usd, 0) as decimal(18, 2)) as net_revenue_usd

    from sessions
    left join orders_per_session
        on sessions.session_id = orders_per_session.session_id
    {% if is_incremental() %}
        except
        select * from {{ this }}
    {% endif %}

)

select * from final
