{{ validate_source(
    'marketplace',
    'reviews',
    parents={
        'course_id': ref('base_marketplace__courses'),
        'student_id': ref('base_marketplace__students'),
    },
) }}
