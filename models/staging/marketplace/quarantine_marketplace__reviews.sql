with

base_reviews as (

    select * from {{ ref('base_marketplace__reviews').include(database=false) }}

),

quarantined_reviews as (

    select * from base_reviews
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        review_id,
        course_id,
        student_id,
        rating,
        reviewed_at,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_reviews

)

select * from final
