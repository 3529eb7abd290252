{#- A view (a row per session: the second biggest stream): the attribution is a lookup and a
    case expression, cheaper to run where the sessions are read than to write 25 million rows
    again at scale 1.0. It carries staging's `_written_at`; `fct_sessions` takes in the sessions
    written since its last run and those whose tracking code now names another campaign. Its refs
    name no database: a DuckDB view naming the file's database breaks in a copy under another
    name. -#}
{{ config(materialized='view') }}

with

sessions as (

    select * from {{ ref('stg_web_analytics__sessions').include(database=false) }}

),

-- one row per code, as in int_campaign_tracking_codes, but grouped here so DuckDB knows it and
-- leaves the join out where the campaign is not read (a count or the date bounds of the sessions)
tracking_codes as (

    select
        utm_campaign,
        min(campaign_id) as campaign_id
    from {{ ref('int_campaign_tracking_codes').include(database=false) }}
    group by utm_campaign

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
        duration_seconds,

        ---------- lineage
        _written_at

    from attributed

)

select * from final
