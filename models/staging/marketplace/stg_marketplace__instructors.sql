with

base_instructors as (

    select * from {{ ref('base_marketplace__instructors').include(database=false) }}

),

staged_instructors as (

    select * from base_instructors
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        instructor_id,

        ---------- attributes
        instructor_name,
        upper(country_code) as country_code,
        status as instructor_status,

        ---------- timestamps (UTC)
        joined_at,

        ---------- lineage
        _loaded_at,
        _source_file,
        _batch_id

    from staged_instructors

)

select * from final
