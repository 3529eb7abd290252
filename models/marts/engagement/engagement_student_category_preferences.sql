with

enrollments as (

    select * from {{ ref('fct_enrollments') }}

),

student_categories as (

    select
        student_id,
        coalesce(course_category, 'unknown') as category,
        count(*) as category_enrollments,
        max(enrolled_at) as last_enrolled_at
    from enrollments
    group by student_id, coalesce(course_category, 'unknown')

),

ranked as (

    select
        student_id,
        category,
        category_enrollments,
        sum(category_enrollments) over (partition by student_id) as enrollments,
        count(*) over (partition by student_id) as categories_enrolled,
        -- Dominant category: most enrollments; ties go to the most recently enrolled category,
        -- then to the category name.
        row_number() over (
            partition by student_id
            order by category_enrollments desc, last_enrolled_at desc, category asc
        ) as preference_rank
    from student_categories

),

final as (

    select
        ---------- keys
        student_id,

        ---------- attributes
        category as dominant_category,
        case
            when enrollments = 1 then 'single_course'
            when categories_enrolled = 1 then 'single_category'
            when category_enrollments * 2 > enrollments then 'focused'
            else 'explorer'
        end as category_segment,

        ---------- measures
        cast(enrollments as {{ dbt.type_bigint() }}) as enrollments,
        cast(categories_enrolled as {{ dbt.type_bigint() }}) as categories_enrolled,
        cast(category_enrollments as {{ dbt.type_bigint() }}) as dominant_category_enrollments,
        {{ safe_divide('category_enrollments', 'enrollments') }} as dominant_category_share

    from ranked
    where preference_rank = 1

)

select * from final
