with

instructors as (

    select * from {{ ref('stg_marketplace__instructors') }}

),

courses as (

    select * from {{ ref('int_courses_enriched') }}

),

courses_per_instructor as (

    select
        instructor_id,
        count(*) as courses,
        count(case when course_status = 'published' then 1 end) as published_courses,
        count(case when course_status = 'retired' then 1 end) as retired_courses,
        count(case when course_status = 'draft' then 1 end) as draft_courses,
        min(created_at) as first_course_created_at,
        max(created_at) as last_course_created_at,
        cast(sum(review_count) as bigint) as review_count,
        sum(rating_sum) as rating_sum
    from courses
    group by instructor_id

),

final as (

    select
        ---------- keys
        instructors.instructor_id,

        ---------- attributes
        instructors.instructor_name,
        instructors.country_code,
        instructors.instructor_status,

        ---------- timestamps (UTC)
        instructors.joined_at,
        courses_per_instructor.first_course_created_at,
        courses_per_instructor.last_course_created_at,

        ---------- measures
        coalesce(courses_per_instructor.courses, 0) as courses,
        coalesce(courses_per_instructor.published_courses, 0) as published_courses,
        coalesce(courses_per_instructor.retired_courses, 0) as retired_courses,
        coalesce(courses_per_instructor.draft_courses, 0) as draft_courses,
        coalesce(courses_per_instructor.review_count, 0) as review_count,
        {{ safe_divide(
            'courses_per_instructor.rating_sum',
            'courses_per_instructor.review_count'
        ) }} as average_rating

    from instructors
    left join courses_per_instructor
        on instructors.instructor_id = courses_per_instructor.instructor_id

)

select * from final
