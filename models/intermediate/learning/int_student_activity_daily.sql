{#- Incremental by day: a run derives again the days whose lesson events or logged-in sessions
    were written since its last run or changed in number, and the days whose orders, purchases or
    enrollments of a student changed (compared with what it holds); it drops the days left without
    any activity. A full refresh gives the same table. -#}
{{ config(
    materialized=incremental_materialization(by_partition=true),
    unique_key='date_day',
    partition_by=partition_columns('date_day'),
    incremental_strategy=partition_incremental_strategy(),
    on_schema_change='fail',
    post_hook=[
        "{{ record_watermark(ref('int_lesson_activity_joined')) }}",
        "{{ record_watermark(ref('stg_web_analytics__sessions')) }}",
        "{% if is_incremental() %}{{ delete_keys_no_longer_grouped_in('date_day', ["
        ~ "(ref('int_lesson_activity_joined'), 'cast(occurred_at as date)', 'true'),"
        ~ "(ref('stg_web_analytics__sessions'), 'cast(started_at as date)', 'student_id is not null'),"
        ~ "(ref('int_orders_converted'), 'cast(ordered_at as date)', 'true'),"
        ~ "(ref('stg_learning__enrollments'), 'cast(enrolled_at as date)', 'true'),"
        ~ "]) }}{% endif %}",
    ],
) }}

with

lesson_activity as (

    select * from {{ ref('int_lesson_activity_joined') }}

),

sessions as (

    select * from {{ ref('stg_web_analytics__sessions') }}

),

orders as (

    select * from {{ ref('int_orders_converted') }}

),

enrollments as (

    select * from {{ ref('stg_learning__enrollments') }}

),

students as (

    select * from {{ ref('stg_marketplace__students') }}

),

-- per student and day over every order and enrollment (small inputs): what an incremental run
-- compares with what it holds, as they carry no write stamp
all_order_days as (

    select
        student_id,
        cast(ordered_at as date) as date_day,
        count(*) as orders,
        -- A purchase is an order with a succeeded payment (commerce's has_succeeded_payment),
        -- whether or not it was refunded later.
        sum(case when has_succeeded_payment then 1 else 0 end) as purchases
    from orders
    group by student_id, cast(ordered_at as date)

),

all_enrollment_days as (

    select
        student_id,
        cast(enrolled_at as date) as date_day,
        count(*) as enrollments
    from enrollments
    group by student_id, cast(enrolled_at as date)

),

{% if is_incremental() %}

{{ keys_to_derive_again_ctes(
    ref('int_lesson_activity_joined'), 'date_day', 'lesson_events',
    upstream_key='cast(occurred_at as date)', name='lesson_days_to_derive'
) }},

{{ keys_to_derive_again_ctes(
    ref('stg_web_analytics__sessions'), 'date_day', 'sessions',
    upstream_key='cast(started_at as date)', upstream_filter='student_id is not null',
    name='session_days_to_derive'
) }},

held_commerce_days as (

    select
        student_id,
        date_day,
        orders,
        purchases,
        enrollments
    from {{ this }}
    where orders > 0 or enrollments > 0

),

-- the days a student's orders, purchases or enrollments differ from what is held
commerce_days_to_derive as (

    select
        coalesce(
            held_commerce_days.date_day, all_order_days.date_day, all_enrollment_days.date_day
        ) as date_day
    from held_commerce_days
    full outer join all_order_days
        on
            held_commerce_days.student_id = all_order_days.student_id
            and held_commerce_days.date_day = all_order_days.date_day
    full outer join all_enrollment_days
        on
            coalesce(held_commerce_days.student_id, all_order_days.student_id)
            = all_enrollment_days.student_id
            and coalesce(held_commerce_days.date_day, all_order_days.date_day)
            = all_enrollment_days.date_day
    where
        coalesce(held_commerce_days.orders, 0) <> coalesce(all_order_days.orders, 0)
        or coalesce(held_commerce_days.purchases, 0) <> coalesce(all_order_days.purchases, 0)
        or coalesce(held_commerce_days.enrollments, 0) <> coalesce(all_enrollment_days.enrollments, 0)

),

days_to_derive as (

    select lesson_days_to_derive.date_day from lesson_days_to_derive
    union
    select session_days_to_derive.date_day from session_days_to_derive
    union
    select commerce_days_to_derive.date_day from commerce_days_to_derive

),

{% endif %}

lesson_days as (

    select
        student_id,
        cast(occurred_at as date) as date_day,
        count(*) as lesson_events,
        sum(case when event_type = 'lesson_complete' then 1 else 0 end) as lessons_completed,
        sum(video_seconds_watched) as video_seconds_watched
    from lesson_activity
    {% if is_incremental() %}
        where cast(occurred_at as date) in (select days_to_derive.date_day from days_to_derive)
    {% endif %}
    group by student_id, cast(occurred_at as date)

),

session_days as (

    select
        student_id,
        cast(started_at as date) as date_day,
        count(*) as sessions
    from sessions
    where
        student_id is not null
    {% if is_incremental() %}
        and cast(started_at as date) in (select days_to_derive.date_day from days_to_derive)
    {% endif %}
    group by student_id, cast(started_at as date)

),

order_days as (

    select * from all_order_days
    {% if is_incremental() %}
        where date_day in (select days_to_derive.date_day from days_to_derive)
    {% endif %}

),

enrollment_days as (

    select * from all_enrollment_days
    {% if is_incremental() %}
        where date_day in (select days_to_derive.date_day from days_to_derive)
    {% endif %}

),

-- each source's measures of a student's day, the others zero: one aggregate over their union gives
-- the day's row (a distinct union of the keys joined back to four sources held them all at once)
activity as (

    select
        student_id,
        date_day,
        lesson_events,
        lessons_completed,
        video_seconds_watched,
        0 as sessions,
        0 as orders,
        0 as purchases,
        0 as enrollments
    from lesson_days
    union all
    select
        student_id,
        date_day,
        0 as lesson_events,
        0 as lessons_completed,
        0 as video_seconds_watched,
        sessions,
        0 as orders,
        0 as purchases,
        0 as enrollments
    from session_days
    union all
    select
        student_id,
        date_day,
        0 as lesson_events,
        0 as lessons_completed,
        0 as video_seconds_watched,
        0 as sessions,
        orders,
        purchases,
        0 as enrollments
    from order_days
    union all
    select
        student_id,
        date_day,
        0 as lesson_events,
        0 as lessons_completed,
        0 as video_seconds_watched,
        0 as sessions,
        0 as orders,
        0 as purchases,
        enrollments
    from enrollment_days

),

student_days as (

    select
        student_id,
        date_day,
        sum(lesson_events) as lesson_events,
        sum(lessons_completed) as lessons_completed,
        sum(video_seconds_watched) as video_seconds_watched,
        sum(sessions) as sessions,
        sum(orders) as orders,
        sum(purchases) as purchases,
        sum(enrollments) as enrollments
    from activity
    group by student_id, date_day

),

final as (

    select
        ---------- keys
        student_days.student_id,
        student_days.date_day,

        ---------- attributes
        student_days.lesson_events > 0 as is_learning_active,
        student_days.purchases + student_days.enrollments > 0 as is_enrolling_or_purchasing,

        ---------- measures
        cast(student_days.lesson_events as {{ dbt.type_bigint() }}) as lesson_events,
        cast(student_days.lessons_completed as {{ dbt.type_bigint() }}) as lessons_completed,
        cast(
            coalesce(student_days.video_seconds_watched, 0) as {{ dbt.type_bigint() }}
        ) as video_seconds_watched,
        cast(student_days.sessions as {{ dbt.type_bigint() }}) as sessions,
        cast(student_days.orders as {{ dbt.type_bigint() }}) as orders,
        cast(student_days.purchases as {{ dbt.type_bigint() }}) as purchases,
        cast(student_days.enrollments as {{ dbt.type_bigint() }}) as enrollments

    from student_days
    inner join students
        on student_days.student_id = students.student_id

)

select * from final
