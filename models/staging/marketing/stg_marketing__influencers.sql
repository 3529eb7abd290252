with

base_influencers as (

    select * from {{ ref('base_marketing__influencers').include(database=false) }}

),

staged_influencers as (

    select * from base_influencers
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        influencer_id,

        ---------- attributes
        handle as influencer_handle,
        platform,
        tier as influencer_tier,
        upper(country_code) as country_code,

        ---------- measures
        followers as follower_count,

        ---------- lineage
        _loaded_at,
        _source_file,
        _batch_id

    from staged_influencers

)

select * from final
