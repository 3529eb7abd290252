with

base_subscription_events as (

    select * from {{ ref('base_billing__subscription_events').include(database=false) }}

),

staged_subscription_events as (

    select * from base_subscription_events
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        subscription_event_id,

        ---------- foreign keys
        subscription_id,
        student_id,
        plan_id,

        ---------- attributes
        event_type,

        ---------- timestamps (UTC)
        occurred_at,

        ---------- measures
        amount_usd,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id

    from staged_subscription_events

)

select * from final
