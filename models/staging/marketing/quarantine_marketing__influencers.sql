with

base_influencers as (

    select * from {{ ref('base_marketing__influencers').include(database=false) }}

),

quarantined_influencers as (

    select * from base_influencers
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        influencer_id,
        handle,
        platform,
        tier,
        followers,
        country_code,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_influencers

)

select * from final
