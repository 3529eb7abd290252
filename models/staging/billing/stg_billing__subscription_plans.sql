with

base_subscription_plans as (

    select * from {{ ref('base_billing__subscription_plans').include(database=false) }}

),

staged_subscription_plans as (

    select * from base_subscription_plans
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        plan_id,

        ---------- attributes
        plan_name,
        billing_period,

        ---------- measures
        price_usd,

        ---------- lineage
        _loaded_at,
        _source_file,
        _batch_id

    from staged_subscription_plans

)

select * from final
