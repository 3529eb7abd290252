with

courses as (

    select * from {{ ref('int_courses_enriched') }}

),

final as (

    select
        ---------- keys
        course_id,

        ---------- foreign keys
        instructor_id,

        ---------- attributes
        course_title,
        instructor_name,
        category,
        subcategory,
        difficulty_level,
        language_code,
        course_status,
        currency_code,

        ---------- timestamps (UTC)
        created_at,
        published_at,
        retired_at,

        ---------- measures
        list_price,
        list_price_usd,
        review_count,
        average_rating

    from courses

)

select * from final
