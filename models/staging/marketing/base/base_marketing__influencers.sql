{{ validate_source('marketing', 'influencers') }}
