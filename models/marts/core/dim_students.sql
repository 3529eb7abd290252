with

students as (

    select * from {{ ref('int_students_summarized') }}

),

final as (

    select
        ---------- keys
        student_id,

        ---------- attributes
        country_code,
        time_zone,
        acquisition_channel,
        utm_source,
        utm_medium,
        utm_campaign,
        has_subscribed,
        is_subscriber,
        is_paying,

        ---------- timestamps (UTC)
        signed_up_at,
        first_order_at,
        first_purchase_at,
        first_enrollment_at,
        first_subscribed_at,

        ---------- measures
        orders,
        purchases,
        enrollments

    from students

)

select * from final
