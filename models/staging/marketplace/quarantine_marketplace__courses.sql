with

base_courses as (

    select * from {{ ref('base_marketplace__courses').include(database=false) }}

),

quarantined_courses as (

    select * from base_courses
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        course_id,
        instructor_id,
        title,
        category,
        subcategory,
        level,
        language,
        list_price,
        currency,
        status,
        created_at,
        published_at,
        retired_at,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_courses

)

select * from final
