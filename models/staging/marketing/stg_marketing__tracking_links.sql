with

base_tracking_links as (

    select * from {{ ref('base_marketing__tracking_links').include(database=false) }}

),

staged_tracking_links as (

    select * from base_tracking_links
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        tracking_link_id,

        ---------- foreign keys
        campaign_id,

        ---------- attributes
        utm_source,
        utm_medium,
        utm_campaign,
        destination_url,

        ---------- timestamps (UTC)
        created_at,

        ---------- lineage
        _loaded_at,
        _source_file,
        _batch_id

    from staged_tracking_links

)

select * from final
