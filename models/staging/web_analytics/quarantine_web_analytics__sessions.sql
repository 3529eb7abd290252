with

base_sessions as (

    select * from {{ ref('base_web_analytics__sessions') }}

),

quarantined_sessions as (

    select * from base_sessions
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        {{ adapter.quote('sessionId') }},
        {{ adapter.quote('visitorId') }},
        {{ adapter.quote('userId') }},
        {{ adapter.quote('sessionStart') }},
        {{ adapter.quote('deviceCategory') }},
        {{ adapter.quote('landingPage') }},
        referrer,
        {{ adapter.quote('utmSource') }},
        {{ adapter.quote('utmMedium') }},
        {{ adapter.quote('utmCampaign') }},
        pageviews,
        {{ adapter.quote('durationSeconds') }},
        converted,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_sessions

)

select * from final
