with

base_installment_plans as (

    select * from {{ ref('base_billing__installment_plans').include(database=false) }}

),

quarantined_installment_plans as (

    select * from base_installment_plans
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        installment_plan_id,
        order_id,
        installments,
        started_at,
        status,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_installment_plans

)

select * from final
