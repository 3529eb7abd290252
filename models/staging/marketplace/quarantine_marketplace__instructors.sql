with

base_instructors as (

    select * from {{ ref('base_marketplace__instructors').include(database=false) }}

),

quarantined_instructors as (

    select * from base_instructors
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        instructor_id,
        instructor_name,
        country_code,
        joined_at,
        status,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_instructors

)

select * from final
