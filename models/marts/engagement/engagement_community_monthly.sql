{#- One row per calendar month (UTC) with community posts or active students: the students who
    posted (threads or replies) over the students active in learning that month (community
    participation), and the threads, replies and replies per thread. -#}
with

community as {{ inline_cte() }} (

    select * from {{ ref('int_community_activity_monthly') }}

),

active_students as {{ inline_cte() }} (

    select * from {{ ref('engagement_active_students_monthly') }}

),

months as (

    select month_start from community
    union
    select month_start from active_students

),

joined as (

    select
        months.month_start,
        coalesce(community.posting_students, 0) as posting_students,
        coalesce(community.thread_starting_students, 0) as thread_starting_students,
        coalesce(community.replying_students, 0) as replying_students,
        coalesce(community.posts, 0) as posts,
        coalesce(community.threads, 0) as threads,
        coalesce(community.replies, 0) as replies,
        coalesce(community.upvotes, 0) as upvotes,
        coalesce(active_students.active_students, 0) as active_students
    from months
    left join community
        on months.month_start = community.month_start
    left join active_students
        on months.month_start = active_students.month_start

),

final as (

    select
        ---------- keys
        month_start,

        ---------- attributes
        month_start = max(month_start) over () as is_partial_month,

        ---------- measures
        cast(posting_students as {{ dbt.type_bigint() }}) as posting_students,
        cast(thread_starting_students as {{ dbt.type_bigint() }}) as thread_starting_students,
        cast(replying_students as {{ dbt.type_bigint() }}) as replying_students,
        cast(active_students as {{ dbt.type_bigint() }}) as active_students,
        cast(posts as {{ dbt.type_bigint() }}) as posts,
        cast(threads as {{ dbt.type_bigint() }}) as threads,
        cast(replies as {{ dbt.type_bigint() }}) as replies,
        cast(upvotes as {{ dbt.type_bigint() }}) as upvotes,
        {{ safe_divide('posting_students', 'active_students') }} as community_participation_rate,
        {{ safe_divide('replies', 'threads') }} as replies_per_thread
    from joined

)

select * from final
