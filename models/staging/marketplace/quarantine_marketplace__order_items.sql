with

base_order_items as (

    select * from {{ ref('base_marketplace__order_items').include(database=false) }}

),

quarantined_order_items as (

    select * from base_order_items
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        order_item_id,
        order_id,
        course_id,
        ordered_at,
        list_price,
        discount_amount,
        paid_amount,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_order_items

)

select * from final
