{#- Incremental (the biggest staged table): a run takes in the base model's rows written since its
    last run (its watermark, recorded after each run): it drops those it holds and appends those
    staged, new deliveries and restated late flags alike. -#}
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{% if is_incremental() %}"
        ~ "{{ delete_rows_written_again(ref('base_web_analytics__sessions')) }}"
        ~ "{% endif %}",
    post_hook="{{ record_watermark(ref('base_web_analytics__sessions')) }}",
) }}

with

base_sessions as (

    select * from {{ ref('base_web_analytics__sessions') }}

),

staged_sessions as (

    select * from base_sessions
    where {{ is_staged_row() }}

),

-- the staged rows the base model wrote since this model's last run: all of them in a full build
new_sessions as (

    select * from staged_sessions
    {% if is_incremental() %}
        where {{ written_since_last_run() }}
    {% endif %}

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
        {{ written_at_stamp() }} as _written_at

    from new_sessions

)

select * from final
