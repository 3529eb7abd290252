with

instructors as (

    select * from {{ ref('int_instructors_enriched') }}

),

final as (

    select
        ---------- keys
        instructor_id,

        ---------- attributes
        instructor_name,
        country_code,
        instructor_status,

        ---------- timestamps (UTC)
        joined_at,
        first_course_created_at,
        last_course_created_at,

        ---------- measures
        courses,
        published_courses,
        retired_courses,
        draft_courses,
        review_count,
        average_rating

    from instructors

)

select * from final
