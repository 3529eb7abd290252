{#- Incremental (a row per session: the second biggest stream). A run computes only the sessions
    staging wrote since its last run (new or redelivered) and those whose tracking code now names
    another campaign, and stamps what it writes; afterwards it drops the sessions staging no longer
    has. -#}
{{ config(
    materialized=incremental_materialization(),
    unique_key='session_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook=[
        "{{ record_watermark(ref('stg_web_analytics__sessions')) }}",
        "{% if is_incremental() and may_hold_keys_no_longer_in(ref('stg_web_analytics__sessions')) %}"
        ~ "{{ delete_keys_no_longer_in(ref('stg_web_analytics__sessions'), 'session_id') }}"
        ~ "{% endif %}",
    ],
) }}

with

sessions as (

    select * from {{ ref('stg_web_analytics__sessions') }}

),

tracking_codes as (

    select * from {{ ref('int_campaign_tracking_codes') }}

),

{% if is_incremental() %}

-- each tracking code of the held sessions with the campaign it was attributed to
held_codes as (

    select distinct
        utm_campaign,
        campaign_id
    from {{ this }}
    where utm_campaign is not null

),

-- the codes that now name another campaign (or none)
reattributed_codes as (

    select held_codes.utm_campaign
    from held_codes
    left join tracking_codes
        on held_codes.utm_campaign = tracking_codes.utm_campaign
    where held_codes.campaign_id is distinct from tracking_codes.campaign_id

),

{% endif %}

-- the sessions to compute: all of them in a full build
changed_sessions as (

    select * from sessions
    {% if is_incremental() %}
        where
            {{ written_since_last_run() }}
            or utm_campaign in (select reattributed_codes.utm_campaign from reattributed_codes)
    {% endif %}

),

attributed as (

    select
        changed_sessions.*,
        tracking_codes.campaign_id
    from changed_sessions
    left join tracking_codes
        on changed_sessions.utm_campaign = tracking_codes.utm_campaign

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
        duration_seconds,

        ---------- lineage
        {{ written_at_stamp() }} as _written_at

    from attributed

)

select * from final
