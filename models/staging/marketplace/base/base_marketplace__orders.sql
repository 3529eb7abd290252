{{ validate_source(
    'marketplace',
    'orders',
    parents={'student_id': ref('base_marketplace__students')},
) }}
