{{ validate_source(
    'learning',
    'enrollments',
    parents={
        'student_id': ref('base_marketplace__students'),
        'course_id': ref('base_marketplace__courses'),
    },
) }}
