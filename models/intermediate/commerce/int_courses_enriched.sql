with

courses as (

    select * from {{ ref('stg_marketplace__courses') }}

),

instructors as (

    select * from {{ ref('stg_marketplace__instructors') }}

),

reviews as (

    select * from {{ ref('stg_marketplace__reviews') }}

),

exchange_rates as {{ inline_cte() }} (

    select * from {{ ref('int_exchange_rates_daily') }}

),

newest_rate_day as (

    select max(rate_date) as rate_date
    from exchange_rates

),

latest_rates as (

    select
        exchange_rates.currency_code,
        exchange_rates.usd_per_unit
    from exchange_rates
    inner join newest_rate_day
        on exchange_rates.date_day = newest_rate_day.rate_date

),

reviews_per_course as (

    select
        course_id,
        count(*) as review_count,
        sum(rating) as rating_sum,
        min(reviewed_at) as first_reviewed_at,
        max(reviewed_at) as last_reviewed_at
    from reviews
    group by course_id

),

final as (

    select
        ---------- keys
        courses.course_id,

        ---------- foreign keys
        courses.instructor_id,

        ---------- attributes
        courses.course_title,
        instructors.instructor_name,
        courses.category,
        courses.subcategory,
        courses.difficulty_level,
        courses.language_code,
        courses.course_status,
        courses.currency_code,

        ---------- timestamps (UTC)
        courses.created_at,
        courses.published_at,
        courses.retired_at,
        reviews_per_course.first_reviewed_at,
        reviews_per_course.last_reviewed_at,

        ---------- measures
        courses.list_price,
        {{ commerce_to_usd("courses.list_price", "latest_rates.usd_per_unit") }} as list_price_usd,
        coalesce(reviews_per_course.review_count, 0) as review_count,
        coalesce(reviews_per_course.rating_sum, 0) as rating_sum,
        {{ safe_divide('reviews_per_course.rating_sum', 'reviews_per_course.review_count') }}
            as average_rating

    from courses
    left join instructors
        on courses.instructor_id = instructors.instructor_id
    left join latest_rates
        on courses.currency_code = latest_rates.currency_code
    left join reviews_per_course
        on courses.course_id = reviews_per_course.course_id

)

select * from final
