{{ validate_source('marketing', 'ad_spend') }}
