with

base_email_sends as (

    select * from {{ ref('base_email__email_sends').include(database=false) }}

),

quarantined_email_sends as (

    select * from base_email_sends
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        email_id,
        email_type,
        subject,
        sent_at,
        recipients,
        delivered,
        unique_opens,
        unique_clicks,
        unsubscribes,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_email_sends

)

select * from final
