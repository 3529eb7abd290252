with

base_branded_searches as (

    select * from {{ ref('base_social__branded_searches').include(database=false) }}

),

staged_branded_searches as (

    select * from base_branded_searches
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        search_date,
        keyword,

        ---------- measures
        searches,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id

    from staged_branded_searches

)

select * from final
