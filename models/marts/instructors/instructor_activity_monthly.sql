with

courses as {{ inline_cte() }} (

    select * from {{ ref('dim_courses') }}

),

revenue_by_instructor_monthly as {{ inline_cte() }} (

    select * from {{ ref('revenue_by_instructor_monthly') }}

),

courses_created as (

    select
        instructor_id,
        cast({{ dbt.date_trunc('month', 'created_at') }} as date) as month_start,
        count(*) as courses_created
    from courses
    group by instructor_id, cast({{ dbt.date_trunc('month', 'created_at') }} as date)

),

courses_published as (

    select
        instructor_id,
        cast({{ dbt.date_trunc('month', 'published_at') }} as date) as month_start,
        count(*) as courses_published
    from courses
    where published_at is not null
    group by instructor_id, cast({{ dbt.date_trunc('month', 'published_at') }} as date)

),

instructor_months as (

    select
        instructor_id,
        month_start
    from courses_created
    union
    select
        instructor_id,
        month_start
    from courses_published
    union
    select
        instructor_id,
        month_start
    from revenue_by_instructor_monthly
    where paid_items > 0

),

final as (

    select
        ---------- keys
        {{ surrogate_key(['instructor_months.instructor_id', 'instructor_months.month_start']) }}
            as instructor_month_id,
        instructor_months.instructor_id,
        instructor_months.month_start,

        ---------- measures
        coalesce(courses_created.courses_created, 0) as courses_created,
        coalesce(courses_published.courses_published, 0) as courses_published,
        coalesce(revenue_by_instructor_monthly.paid_items, 0) as paid_items,
        coalesce(revenue_by_instructor_monthly.students, 0) as students,
        coalesce(revenue_by_instructor_monthly.revenue_usd, 0) as revenue_usd

    from instructor_months
    left join courses_created
        on
            instructor_months.instructor_id = courses_created.instructor_id
            and instructor_months.month_start = courses_created.month_start
    left join courses_published
        on
            instructor_months.instructor_id = courses_published.instructor_id
            and instructor_months.month_start = courses_published.month_start
    left join revenue_by_instructor_monthly
        on
            instructor_months.instructor_id = revenue_by_instructor_monthly.instructor_id
            and instructor_months.month_start = revenue_by_instructor_monthly.month_start

)

select * from final
