{{ validate_source('marketplace', 'instructors') }}
