{{ validate_source(
    'web_analytics',
    'sessions',
    parents={'userId': ref('base_marketplace__students')},
) }}
