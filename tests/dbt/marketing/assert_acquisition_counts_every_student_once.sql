{#- The acquisition mart counts every enrolled student once, in the month (UTC) of their first
    enrollment, as fct_enrollments itself gives it: returns the months whose
    new_enrolled_students differ. -#}
with

acquisition as (

    select * from {{ ref('marketing_acquisition_monthly') }}

),

enrollments as (

    select * from {{ ref('fct_enrollments') }}

),

first_enrollments as (

    select
        student_id,
        min(enrolled_at) as first_enrolled_at
    from enrollments
    group by student_id

),

expected as (

    select
        cast({{ dbt.date_trunc('month', 'first_enrolled_at') }} as date) as month_start,
        count(*) as new_enrolled_students
    from first_enrollments
    group by cast({{ dbt.date_trunc('month', 'first_enrolled_at') }} as date)

)

select
    coalesce(acquisition.month_start, expected.month_start) as month_start,
    acquisition.new_enrolled_students as mart_new_students,
    expected.new_enrolled_students as expected_new_students
from acquisition
full outer join expected
    on acquisition.month_start = expected.month_start
where
    coalesce(acquisition.new_enrolled_students, 0)
    != coalesce(expected.new_enrolled_students, 0)
