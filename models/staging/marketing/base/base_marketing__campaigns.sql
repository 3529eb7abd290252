{{ validate_source(
    'marketing',
    'campaigns',
    parents={
        'influencer_id': ref('base_marketing__influencers'),
        'course_id': ref('base_marketplace__courses'),
    },
) }}
