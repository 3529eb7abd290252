with

base_refunds as (

    select * from {{ ref('base_marketplace__refunds').include(database=false) }}

),

staged_refunds as (

    select * from base_refunds
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        refund_id,

        ---------- foreign keys
        order_id,
        order_item_id,

        ---------- attributes
        reason as refund_reason,
        currency as currency_code,

        ---------- timestamps (UTC)
        refunded_at,

        ---------- measures
        amount as refund_amount,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id

    from staged_refunds

)

select * from final
