with

base_installment_plans as (

    select * from {{ ref('base_billing__installment_plans').include(database=false) }}

),

staged_installment_plans as (

    select * from base_installment_plans
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        installment_plan_id,

        ---------- foreign keys
        order_id,

        ---------- attributes
        installments,
        status as plan_status,

        ---------- timestamps (UTC)
        started_at,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id

    from staged_installment_plans

)

select * from final
