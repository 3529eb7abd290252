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

lesson_days as (

    select
        student_id,
        cast(occurred_at as date) as date_day,
        count(*) as lesson_events,
        sum(case when event_type = 'lesson_complete' then 1 else 0 end) as lessons_completed,
        sum(video_seconds_watched) as video_seconds_watched
    from lesson_activity
    group by student_id, cast(occurred_at as date)

),

session_days as (

    select
        student_id,
        cast(started_at as date) as date_day,
        count(*) as sessions
    from sessions
    where student_id is not null
    group by student_id, cast(started_at as date)

),

order_days as (

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

enrollment_days as (

    select
        student_id,
        cast(enrolled_at as date) as date_day,
        count(*) as enrollments
    from enrollments
    group by student_id, cast(enrolled_at as date)

),

student_days as (

    select
        student_id,
        date_day
    from lesson_days
    union
    select
        student_id,
        date_day
    from session_days
    union
    select
        student_id,
        date_day
    from order_days
    union
    select
        student_id,
        date_day
    from enrollment_days

),

final as (

    select
        ---------- keys
        student_days.student_id,
        student_days.date_day,

        ---------- attributes
        coalesce(lesson_days.lesson_events, 0) > 0 as is_learning_active,
        coalesce(order_days.purchases, 0) + coalesce(enrollment_days.enrollments, 0)
        > 0 as is_enrolling_or_purchasing,

        ---------- measures
        cast(coalesce(lesson_days.lesson_events, 0) as {{ dbt.type_bigint() }}) as lesson_events,
        cast(
            coalesce(lesson_days.lessons_completed, 0) as {{ dbt.type_bigint() }}
        ) as lessons_completed,
        cast(
            coalesce(lesson_days.video_seconds_watched, 0) as {{ dbt.type_bigint() }}
        ) as video_seconds_watched,
        cast(coalesce(session_days.sessions, 0) as {{ dbt.type_bigint() }}) as sessions,
        cast(coalesce(order_days.orders, 0) as {{ dbt.type_bigint() }}) as orders,
        cast(coalesce(order_days.purchases, 0) as {{ dbt.type_bigint() }}) as purchases,
        cast(coalesce(enrollment_days.enrollments, 0) as {{ dbt.type_bigint() }}) as enrollments

    from student_days
    inner join students
        on student_days.student_id = students.student_id
    left join lesson_days
        on
            student_days.student_id = lesson_days.student_id
            and student_days.date_day = lesson_days.date_day
    left join session_days
        on
            student_days.student_id = session_days.student_id
            and student_days.date_day = session_days.date_day
    left join order_days
        on
            student_days.student_id = order_days.student_id
            and student_days.date_day = order_days.date_day
    left join enrollment_days
        on
            student_days.student_id = enrollment_days.student_id
            and student_days.date_day = enrollment_days.date_day

)

select * from final
