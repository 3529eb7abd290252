{{ validate_source(
    'learning',
    'lessons',
    parents={'course_id': ref('base_marketplace__courses')},
) }}
