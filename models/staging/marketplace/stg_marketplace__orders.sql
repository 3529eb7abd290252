with

base_orders as (

    select * from {{ ref('base_marketplace__orders').include(database=false) }}

),

staged_orders as (

    select * from base_orders
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        order_id,

        ---------- foreign keys
        student_id,
        session_id,

        ---------- attributes
        currency as currency_code,
        coupon_code,
        payment_status,

        ---------- timestamps (UTC)
        ordered_at,

        ---------- measures
        order_total,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id

    from staged_orders

)

select * from final
