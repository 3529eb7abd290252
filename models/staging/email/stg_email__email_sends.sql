with

base_email_sends as (

    select * from {{ ref('base_email__email_sends').include(database=false) }}

),

staged_email_sends as (

    select * from base_email_sends
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        email_id,

        ---------- attributes
        email_type,
        subject,

        ---------- timestamps (UTC)
        sent_at,

        ---------- measures
        recipients,
        delivered,
        unique_opens,
        unique_clicks,
        unsubscribes,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id

    from staged_email_sends

)

select * from final
