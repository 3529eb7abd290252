{#- The platform's completion (completed_at) and certificates agree with the lesson activity:
    a completed enrollment completed every lesson of the course, and only completed enrollments
    are certified. Returns the enrollments where they disagree. -#}
with

enrollments as (

    select * from {{ ref('fct_enrollments') }}

)

select
    enrollment_id,
    is_completed,
    is_certified,
    lessons_completed,
    lessons_total
from enrollments
where
    (is_completed and lessons_completed < lessons_total)
    or (is_certified and not is_completed)
