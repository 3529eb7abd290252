with

base_sessions as (

    select * from {{ ref('base_web_analytics__sessions') }}

),

staged_sessions as (

    select * from base_sessions
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        "sessionId" as session_id,

        ---------- foreign keys
        "visitorId" as visitor_id,
        "userId" as student_id,

        ---------- attributes
        "deviceCategory" as device_category,
        "landingPage" as landing_page,
        referrer as referrer_host,
        "utmSource" as utm_source,
        "utmMedium" as utm_medium,
        "utmCampaign" as utm_campaign,
        converted as is_converted,

        ---------- timestamps (UTC)
        "sessionStart" as started_at,

        ---------- measures
        pageviews,
        "durationSeconds" as duration_seconds,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id

    from staged_sessions

)

select * from final
