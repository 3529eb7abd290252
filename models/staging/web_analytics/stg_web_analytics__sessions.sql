{#- Incremental (the biggest staged table): a run drops the rows the base model no longer stages
    and inserts the staged rows not held as they are, new deliveries and restated late flags. -#}
{{ config(
    materialized='incremental',
    unique_key=['_batch_id', '_row_number'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{% if is_incremental() %}"
        ~ "{{ delete_rows_no_longer_staged(ref('base_web_analytics__sessions')) }}"
        ~ "{% endif %}",
) }}

with

base_sessions as (

    select * from {{ ref('base_web_analytics__sessions') }}

),

staged_sessions as (

    select * from base_sessions
    where {{ is_staged_row() }}

),

-- the staged rows this model does not hold as they are: all of them in a full build
new_sessions as (

    select staged_sessions.*
    from staged_sessions
    {% if is_incremental() %}
        left join {{ this }} as held
            on
                staged_sessions._batch_id = held._batch_id
                and staged_sessions._row_number = held._row_number
                and staged_sessions._is_late_arriving is not distinct from held.is_late_arriving
        where held._batch_id is null
    {% endif %}

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
        _batch_id,
        _row_number

    from new_sessions

)

select * from final
