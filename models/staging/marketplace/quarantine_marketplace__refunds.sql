with

base_refunds as (

    select * from {{ ref('base_marketplace__refunds').include(database=false) }}

),

quarantined_refunds as (

    select * from base_refunds
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        refund_id,
        order_id,
        order_item_id,
        refunded_at,
        amount,
        currency,
        reason,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_refunds

)

select * from final
