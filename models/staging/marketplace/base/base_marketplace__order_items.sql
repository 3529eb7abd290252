{{ validate_source(
    'marketplace',
    'order_items',
    parents={
        'order_id': ref('base_marketplace__orders'),
        'course_id': ref('base_marketplace__courses'),
    },
) }}
