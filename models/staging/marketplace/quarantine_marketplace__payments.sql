with

base_payments as (

    select * from {{ ref('base_marketplace__payments').include(database=false) }}

),

quarantined_payments as (

    select * from base_payments
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        payment_id,
        order_id,
        attempted_at,
        method,
        amount,
        currency,
        status,
        failure_reason,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_payments

)

select * from final
