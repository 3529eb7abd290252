with

base_posts as (

    select * from {{ ref('base_community__posts').include(database=false) }}

),

quarantined_posts as (

    select * from base_posts
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        post_id,
        student_id,
        course_id,
        parent_post_id,
        posted_at,
        upvotes,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_posts

)

select * from final
