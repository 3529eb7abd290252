with

base_orders as (

    select * from {{ ref('base_marketplace__orders').include(database=false) }}

),

quarantined_orders as (

    select * from base_orders
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        order_id,
        student_id,
        session_id,
        ordered_at,
        currency,
        coupon_code,
        order_total,
        payment_status,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_orders

)

select * from final
