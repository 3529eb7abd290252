{{ validate_source(
    'marketing',
    'campaign_metrics',
    parents={'campaignId': ref('base_marketing__campaigns')},
) }}
