{#- Every enrollment of a course has exactly one furthest position (0 = never started), so the
    course's furthest-lesson counts add up to its enrollments, and the course's enrollments add
    up to fct_enrollments. Returns the courses where they do not. -#}
with

drop_off_points as (

    select * from {{ ref('course_drop_off_points') }}

),

enrollments as (

    select * from {{ ref('fct_enrollments') }}

),

per_course as (

    select
        course_id,
        max(course_enrollments) as course_enrollments,
        sum(furthest_enrollments) as furthest_enrollments
    from drop_off_points
    group by course_id

),

expected as (

    select
        course_id,
        count(*) as enrollments
    from enrollments
    group by course_id

)

select
    coalesce(per_course.course_id, expected.course_id) as course_id,
    per_course.course_enrollments,
    per_course.furthest_enrollments,
    expected.enrollments
from per_course
full outer join expected
    on per_course.course_id = expected.course_id
where
    per_course.course_id is null
    or expected.course_id is null
    or per_course.furthest_enrollments != expected.enrollments
    or per_course.course_enrollments != expected.enrollments
