with

base_subscription_events as (

    select * from {{ ref('base_billing__subscription_events').include(database=false) }}

),

quarantined_subscription_events as (

    select * from base_subscription_events
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        subscription_event_id,
        subscription_id,
        student_id,
        plan_id,
        event_type,
        occurred_at,
        amount_usd,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_subscription_events

)

select * from final
