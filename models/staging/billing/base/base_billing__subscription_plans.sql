{{ validate_source('billing', 'subscription_plans') }}
