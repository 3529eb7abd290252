with

students as (

    select * from {{ ref('stg_marketplace__students') }}

),

orders as (

    select * from {{ ref('int_orders_converted') }}

),

enrollments as (

    select * from {{ ref('stg_learning__enrollments') }}

),

subscription_events as {{ inline_cte() }} (

    select * from {{ ref('stg_billing__subscription_events') }}

),

student_orders as (

    select
        student_id,
        min(ordered_at) as first_order_at,
        -- A purchase is an order with a succeeded payment (commerce's has_succeeded_payment),
        -- whether or not it was refunded later.
        min(case when has_succeeded_payment then ordered_at end) as first_purchase_at,
        count(*) as orders,
        sum(case when has_succeeded_payment then 1 else 0 end) as purchases
    from orders
    group by student_id

),

student_enrollments as (

    select
        student_id,
        min(enrolled_at) as first_enrollment_at,
        count(*) as enrollments
    from enrollments
    group by student_id

),

latest_subscription_events as (

    select
        student_id,
        subscription_id,
        event_type,
        occurred_at,
        row_number() over (
            partition by student_id
            order by occurred_at desc, subscription_event_id desc
        ) as recency_rank
    from subscription_events

),

student_subscriptions as (

    select
        student_id,
        min(case when event_type = 'start' then occurred_at end) as first_subscribed_at,
        sum(case when amount_usd > 0 then 1 else 0 end) as paid_subscription_events
    from subscription_events
    group by student_id

),

final as (

    select
        ---------- keys
        students.student_id,

        ---------- attributes
        students.country_code,
        students.time_zone,
        students.acquisition_channel,
        students.utm_source,
        students.utm_medium,
        students.utm_campaign,
        student_subscriptions.student_id is not null as has_subscribed,
        coalesce(latest_subscription_events.event_type not in ('cancel'), false)
            as is_subscriber,
        coalesce(student_orders.purchases, 0) > 0
        or coalesce(student_subscriptions.paid_subscription_events, 0) > 0 as is_paying,

        ---------- timestamps (UTC)
        students.signed_up_at,
        student_orders.first_order_at,
        student_orders.first_purchase_at,
        student_enrollments.first_enrollment_at,
        student_subscriptions.first_subscribed_at,

        ---------- measures
        cast(coalesce(student_orders.orders, 0) as {{ dbt.type_bigint() }}) as orders,
        cast(coalesce(student_orders.purchases, 0) as {{ dbt.type_bigint() }}) as purchases,
        cast(coalesce(student_enrollments.enrollments, 0) as {{ dbt.type_bigint() }}) as enrollments

    from students
    left join student_orders
        on students.student_id = student_orders.student_id
    left join student_enrollments
        on students.student_id = student_enrollments.student_id
    left join student_subscriptions
        on students.student_id = student_subscriptions.student_id
    left join latest_subscription_events
        on
            students.student_id = latest_subscription_events.student_id
            and latest_subscription_events.recency_rank = 1

)

select * from final
