with

category_demand as (

    select * from {{ ref('category_demand_monthly') }}

),

monthly as (

    select
        month_start,
        cast(sum(case when enrollments > 0 then 1 else 0 end) as {{ dbt.type_bigint() }})
            as categories_with_enrollments,
        cast(sum(courses_with_enrollments) as {{ dbt.type_bigint() }}) as courses_with_enrollments,
        cast(sum(courses_published) as {{ dbt.type_bigint() }}) as courses_published,
        cast(sum(enrollments) as {{ dbt.type_bigint() }}) as enrollments,
        cast(max(enrollments) as {{ dbt.type_bigint() }}) as top_category_enrollments
    from category_demand
    group by month_start

),

final as (

    select
        ---------- keys
        month_start,

        ---------- measures
        categories_with_enrollments,
        courses_with_enrollments,
        courses_published,
        enrollments,
        top_category_enrollments,
        {{ safe_divide('top_category_enrollments', 'enrollments') }}
            as top_category_enrollment_share
    from monthly

)

select * from final
