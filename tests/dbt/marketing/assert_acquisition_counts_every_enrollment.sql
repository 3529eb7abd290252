{#- The acquisition mart counts every enrollment once, in its month (UTC): returns the months
    whose new_enrollments differ from fct_enrollments. -#}
with

acquisition as (

    select * from {{ ref('marketing_acquisition_monthly') }}

),

enrollments as (

    select * from {{ ref('fct_enrollments') }}

),

expected as (

    select
        cast({{ dbt.date_trunc('month', 'enrolled_at') }} as date) as month_start,
        count(*) as new_enrollments
    from enrollments
    group by cast({{ dbt.date_trunc('month', 'enrolled_at') }} as date)

)

select
    coalesce(acquisition.month_start, expected.month_start) as month_start,
    acquisition.new_enrollments as mart_enrollments,
    expected.new_enrollments as expected_enrollments
from acquisition
full outer join expected
    on acquisition.month_start = expected.month_start
where coalesce(acquisition.new_enrollments, 0) != coalesce(expected.new_enrollments, 0)
