with

base_subscription_plans as (

    select * from {{ ref('base_billing__subscription_plans').include(database=false) }}

),

quarantined_subscription_plans as (

    select * from base_subscription_plans
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        plan_id,
        plan_name,
        billing_period,
        price_usd,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_subscription_plans

)

select * from final
