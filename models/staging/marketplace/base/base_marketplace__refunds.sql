{{ validate_source(
    'marketplace',
    'refunds',
    parents={
        'order_id': ref('base_marketplace__orders'),
        'order_item_id': ref('base_marketplace__order_items'),
    },
    rule_parents={'payments': ref('base_marketplace__payments')},
) }}
