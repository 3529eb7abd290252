with

base_mentions as (

    select * from {{ ref('base_social__mentions').include(database=false) }}

),

quarantined_mentions as (

    select * from base_mentions
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        mention_id,
        brand,
        brand_type,
        platform,
        sentiment,
        mentioned_at,
        author_followers,
        campaign_id,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_mentions

)

select * from final
