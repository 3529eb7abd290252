with

base_branded_searches as (

    select * from {{ ref('base_social__branded_searches').include(database=false) }}

),

quarantined_branded_searches as (

    select * from base_branded_searches
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        search_date,
        keyword,
        searches,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_branded_searches

)

select * from final
