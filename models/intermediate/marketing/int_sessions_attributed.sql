{#- Incremental (a row per session: the second biggest stream). A run computes
    every session and writes only those not held as they are (new, redelivered, or whose tracking
    code now names another campaign), after dropping the sessions upstream no longer has. -#}
{{ config(
    materialized='incremental',
    unique_key='session_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{% if is_incremental() %}"
        ~ "{{ delete_keys_no_longer_in(ref('stg_web_analytics__sessions'), 'session_id') }}"
        ~ "{% endif %}",
) }}

with

sessions as (

    select * from {{ ref('stg_web_analytics__sessions') }}

),

tracking_codes as (

    select * from {{ ref('int_campaign_tracking_codes') }}

),

attributed as (

    select
        sessions.*,
        tracking_codes.campaign_id
    from sessions
    left join tracking_codes
        on sessions.utm_campaign = tracking_codes.utm_campaign

),

final as (

    select
        ---------- keys
        session_id,

        ---------- foreign keys
        visitor_id,
        student_id,
        campaign_id,

        ---------- attributes
        case
            when campaign_id is not null then 'influencer'
            else {{ marketing_channel('utm_source', 'utm_medium', 'referrer_host') }}
        end as channel,
        campaign_id is not null as is_campaign_session,
        device_category,
        landing_page,
        referrer_host,
        utm_source,
        utm_medium,
        utm_campaign,
        is_converted,
        pageviews = 1 as is_bounce,
        student_id is not null as is_logged_in,

        ---------- timestamps (UTC)
        started_at,
        cast({{ dbt.date_trunc('day', 'started_at') }} as date) as date_day,
        cast(extract(hour from started_at) as integer) as hour_of_day,

        ---------- measures
        pageviews,
        duration_seconds

    from attributed
    {% if is_incremental() %}
        except
        select * from {{ this }}
    {% endif %}

)

select * from final
