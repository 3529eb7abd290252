{{ validate_source('marketplace', 'exchange_rates') }}
