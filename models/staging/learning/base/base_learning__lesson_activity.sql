{{ validate_source(
    'learning',
    'lesson_activity',
    parents={
        'enrollment_id': ref('base_learning__enrollments'),
        'lesson_id': ref('base_learning__lessons'),
    },
) }}
