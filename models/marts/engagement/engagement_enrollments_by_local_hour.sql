{#- Every day-of-week x hour cell appears, with 0 enrollments when none fell in it. -#}
with

enrollments as (

    select * from {{ ref('fct_enrollments') }}

),

numbers as (

    {{ dbt.generate_series(24) }}

),

hours as (

    select cast(generated_number - 1 as {{ dbt.type_int() }}) as enrolled_local_hour
    from numbers

),

days_of_week as (

    select cast(generated_number as {{ dbt.type_int() }}) as enrolled_local_day_of_week
    from numbers
    where generated_number <= 7

),

cells as (

    select
        days_of_week.enrolled_local_day_of_week,
        hours.enrolled_local_hour
    from days_of_week
    cross join hours

),

counted as (

    select
        enrolled_local_day_of_week,
        enrolled_local_hour,
        count(*) as enrollments
    from enrollments
    group by enrolled_local_day_of_week, enrolled_local_hour

),

measured as (

    select
        cells.enrolled_local_day_of_week,
        cells.enrolled_local_hour,
        coalesce(counted.enrollments, 0) as enrollments,
        sum(coalesce(counted.enrollments, 0)) over () as total_enrollments
    from cells
    left join counted
        on
            cells.enrolled_local_day_of_week = counted.enrolled_local_day_of_week
            and cells.enrolled_local_hour = counted.enrolled_local_hour

),

final as (

    select
        ---------- keys
        enrolled_local_day_of_week,
        enrolled_local_hour,

        ---------- attributes
        {{ learning_day_name('enrolled_local_day_of_week') }} as day_name,
        enrolled_local_day_of_week in (6, 7) as is_weekend,

        ---------- measures
        cast(enrollments as {{ dbt.type_bigint() }}) as enrollments,
        {{ safe_divide('enrollments', 'total_enrollments') }} as enrollment_share,
        -- 1.0 = an average hour of the week (total / 168 cells).
        {{ safe_divide('enrollments * 168', 'total_enrollments') }}
            as enrollments_vs_average_ratio

    from measured

)

select * from final
