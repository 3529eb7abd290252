with

base_courses as (

    select * from {{ ref('base_marketplace__courses').include(database=false) }}

),

staged_courses as (

    select * from base_courses
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        course_id,

        ---------- foreign keys
        instructor_id,

        ---------- attributes
        title as course_title,
        category,
        subcategory,
        level as difficulty_level,
        language as language_code,
        currency as currency_code,
        status as course_status,

        ---------- timestamps (UTC)
        created_at,
        published_at,
        retired_at,

        ---------- measures
        list_price,

        ---------- lineage
        _loaded_at,
        _source_file,
        _batch_id

    from staged_courses

)

select * from final
