{{ validate_source(
    'marketing',
    'tracking_links',
    parents={'campaign_id': ref('base_marketing__campaigns')},
) }}
