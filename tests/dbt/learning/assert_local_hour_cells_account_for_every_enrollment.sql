{#- The 168 local day-of-week x hour cells hold every enrollment exactly once. Returns a row when
    their total differs from the enrollments in fct_enrollments. -#}
with

by_local_hour as (

    select * from {{ ref('engagement_enrollments_by_local_hour') }}

),

enrollments as (

    select * from {{ ref('fct_enrollments') }}

),

totals as (

    select
        (select sum(enrollments) from by_local_hour) as bucketed_enrollments,
        (select count(*) from by_local_hour) as cells,
        (select count(*) from enrollments) as enrollments

)

select * from totals
where bucketed_enrollments != enrollments or cells != 168
