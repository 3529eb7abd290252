{{ validate_source(
    'marketplace',
    'reviews',
    parents={
        'course_id': ref('base_marketplace__courses'),
        'student_id': ref('base_marketplace__students'),
    },
    rule_parents={'enrollments': ref('base_learning__enrollments')},
) }}
