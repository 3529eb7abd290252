with

base_posts as (

    select * from {{ ref('base_community__posts').include(database=false) }}

),

staged_posts as (

    select * from base_posts
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        post_id,

        ---------- foreign keys
        student_id,
        course_id,
        parent_post_id,

        ---------- attributes
        parent_post_id is null as is_thread,

        ---------- timestamps (UTC)
        posted_at,

        ---------- measures
        upvotes,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id

    from staged_posts

)

select * from final
