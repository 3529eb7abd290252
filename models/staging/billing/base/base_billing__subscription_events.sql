{{ validate_source(
    'billing',
    'subscription_events',
    parents={
        'student_id': ref('base_marketplace__students'),
        'plan_id': ref('base_billing__subscription_plans'),
    },
) }}
