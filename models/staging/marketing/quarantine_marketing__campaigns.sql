with

base_campaigns as (

    select * from {{ ref('base_marketing__campaigns').include(database=false) }}

),

quarantined_campaigns as (

    select * from base_campaigns
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        campaign_id,
        influencer_id,
        course_id,
        campaign_name,
        platform,
        budget_usd,
        start_date,
        end_date,
        utm_campaign,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_campaigns

)

select * from final
