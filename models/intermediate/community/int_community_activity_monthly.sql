{#- One row per calendar month (UTC) with community posts: the students who posted, the threads
    they opened and the replies they wrote. -#}
with

posts as (

    select * from {{ ref('stg_community__posts') }}

),

posts_dated as (

    select
        student_id,
        is_thread,
        upvotes,
        cast({{ dbt.date_trunc('month', 'posted_at') }} as date) as month_start
    from posts

),

final as (

    select
        ---------- keys
        month_start,

        ---------- measures
        count(distinct student_id) as posting_students,
        count(distinct case when is_thread then student_id end) as thread_starting_students,
        count(distinct case when not is_thread then student_id end) as replying_students,
        count(*) as posts,
        sum(case when is_thread then 1 else 0 end) as threads,
        sum(case when is_thread then 0 else 1 end) as replies,
        sum(upvotes) as upvotes

    from posts_dated
    group by month_start

)

select * from final
