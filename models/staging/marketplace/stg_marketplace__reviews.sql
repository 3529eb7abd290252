with

base_reviews as (

    select * from {{ ref('base_marketplace__reviews').include(database=false) }}

),

staged_reviews as (

    select * from base_reviews
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        review_id,

        ---------- foreign keys
        course_id,
        student_id,

        ---------- timestamps (UTC)
        reviewed_at,

        ---------- measures
        rating,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id

    from staged_reviews

)

select * from final
