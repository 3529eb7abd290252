{{ validate_source(
    'marketplace',
    'course_prices',
    parents={'course_id': ref('base_marketplace__courses')},
) }}
