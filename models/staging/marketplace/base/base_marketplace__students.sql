{{ validate_source('marketplace', 'students') }}
