with

base_order_items as (

    select * from {{ ref('base_marketplace__order_items').include(database=false) }}

),

staged_order_items as (

    select * from base_order_items
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        order_item_id,

        ---------- foreign keys
        order_id,
        course_id,

        ---------- timestamps (UTC)
        ordered_at,

        ---------- measures
        list_price,
        discount_amount,
        paid_amount,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id

    from staged_order_items

)

select * from final
