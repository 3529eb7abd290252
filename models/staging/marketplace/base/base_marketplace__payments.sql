{{ validate_source(
    'marketplace',
    'payments',
    parents={'order_id': ref('base_marketplace__orders')},
) }}
