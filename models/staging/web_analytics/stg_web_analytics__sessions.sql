{#- A view (the biggest staged stream): the staged rows of base_web_analytics__sessions under
    their staging names, with its `_written_at`, so the models reading it incrementally follow
    what the base model wrote, and a build does not write these rows a second time. -#}
with

base_sessions as (

    -- without the database: a DuckDB view binds a name in its own database file, so it still
    -- reads in a copy of the warehouse under another name, where the file's name differs
    select * from {{ ref('base_web_analytics__sessions').include(database=false) }}

),

staged_sessions as (

    select * from base_sessions
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        {{ adapter.quote('sessionId') }} as session_id,

        ---------- foreign keys
        {{ adapter.quote('visitorId') }} as visitor_id,
        {{ adapter.quote('userId') }} as student_id,

        ---------- attributes
        {{ adapter.quote('deviceCategory') }} as device_category,
        {{ adapter.quote('landingPage') }} as landing_page,
        referrer as referrer_host,
        {{ adapter.quote('utmSource') }} as utm_source,
        {{ adapter.quote('utmMedium') }} as utm_medium,
        {{ adapter.quote('utmCampaign') }} as utm_campaign,
        converted as is_converted,

        ---------- timestamps (UTC)
        {{ adapter.quote('sessionStart') }} as started_at,

        ---------- measures
        pageviews,
        {{ adapter.quote('durationSeconds') }} as duration_seconds,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id,
        _row_number,
        _written_at

    from staged_sessions

)

select * from final
