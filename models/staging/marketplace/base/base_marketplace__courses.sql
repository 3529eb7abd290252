{{ validate_source(
    'marketplace',
    'courses',
    parents={'instructor_id': ref('base_marketplace__instructors')},
) }}
