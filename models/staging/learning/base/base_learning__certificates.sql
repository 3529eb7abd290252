{{ validate_source(
    'learning',
    'certificates',
    parents={'enrollment_id': ref('base_learning__enrollments')},
) }}
