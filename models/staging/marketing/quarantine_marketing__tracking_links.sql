with

base_tracking_links as (

    select * from {{ ref('base_marketing__tracking_links').include(database=false) }}

),

quarantined_tracking_links as (

    select * from base_tracking_links
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        tracking_link_id,
        campaign_id,
        utm_source,
        utm_medium,
        utm_campaign,
        destination_url,
        created_at,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_tracking_links

)

select * from final
