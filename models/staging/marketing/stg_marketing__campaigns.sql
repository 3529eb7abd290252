with

base_campaigns as (

    select * from {{ ref('base_marketing__campaigns').include(database=false) }}

),

staged_campaigns as (

    select * from base_campaigns
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        campaign_id,

        ---------- foreign keys
        influencer_id,
        course_id,

        ---------- attributes
        campaign_name,
        platform,
        utm_campaign,

        ---------- timestamps (UTC)
        start_date,
        end_date,

        ---------- measures
        budget_usd,

        ---------- lineage
        _loaded_at,
        _source_file,
        _batch_id

    from staged_campaigns

)

select * from final
