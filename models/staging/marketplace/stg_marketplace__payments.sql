with

base_payments as (

    select * from {{ ref('base_marketplace__payments').include(database=false) }}

),

staged_payments as (

    select * from base_payments
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        payment_id,

        ---------- foreign keys
        order_id,

        ---------- attributes
        method as payment_method,
        status as payment_status,
        failure_reason,
        currency as currency_code,

        ---------- timestamps (UTC)
        attempted_at,

        ---------- measures
        amount as payment_amount,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id

    from staged_payments

)

select * from final
