with

base_mentions as (

    select * from {{ ref('base_social__mentions').include(database=false) }}

),

staged_mentions as (

    select * from base_mentions
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        mention_id,

        ---------- foreign keys
        campaign_id,

        ---------- attributes
        brand,
        brand_type,
        platform,
        sentiment,

        ---------- timestamps (UTC)
        mentioned_at,

        ---------- measures
        author_followers,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id

    from staged_mentions

)

select * from final
