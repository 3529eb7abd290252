with

courses as {{ inline_cte() }} (

    select * from {{ ref('dim_courses') }}

),

enrollments as (

    select * from {{ ref('fct_enrollments') }}

),

revenue_by_category_monthly as {{ inline_cte() }} (

    select * from {{ ref('revenue_by_category_monthly') }}

),

category_enrollments as (

    select
        courses.category,
        cast({{ dbt.date_trunc('month', 'enrollments.enrolled_date') }} as date)
            as month_start,
        count(*) as enrollments,
        count(distinct enrollments.course_id) as courses_with_enrollments
    from enrollments
    inner join courses
        on enrollments.course_id = courses.course_id
    group by
        courses.category,
        cast({{ dbt.date_trunc('month', 'enrollments.enrolled_date') }} as date)

),

published as (

    select
        category,
        cast({{ dbt.date_trunc('month', 'published_at') }} as date) as month_start,
        count(*) as courses_published
    from courses
    where published_at is not null
    group by category, cast({{ dbt.date_trunc('month', 'published_at') }} as date)

),

category_months as (

    select
        category,
        month_start
    from category_enrollments
    union
    select
        category,
        month_start
    from published
    union
    select
        category,
        month_start
    from revenue_by_category_monthly

),

joined as (

    select
        category_months.category,
        category_months.month_start,
        cast(coalesce(category_enrollments.enrollments, 0) as bigint) as enrollments,
        coalesce(category_enrollments.courses_with_enrollments, 0) as courses_with_enrollments,
        coalesce(published.courses_published, 0) as courses_published,
        coalesce(revenue_by_category_monthly.paid_items, 0) as paid_items,
        coalesce(revenue_by_category_monthly.revenue_usd, 0) as revenue_usd
    from category_months
    left join category_enrollments
        on
            category_months.category = category_enrollments.category
            and category_months.month_start = category_enrollments.month_start
    left join published
        on
            category_months.category = published.category
            and category_months.month_start = published.month_start
    left join revenue_by_category_monthly
        on
            category_months.category = revenue_by_category_monthly.category
            and category_months.month_start = revenue_by_category_monthly.month_start

),

with_prior as (

    {{ select_with_prior_periods(
        'joined', ['enrollments', 'revenue_usd'], partition_by=['category']
    ) }}

),

final as (

    select
        ---------- keys
        {{ surrogate_key(['category', 'month_start']) }} as category_month_id,
        category,
        month_start,

        ---------- measures
        enrollments,
        courses_with_enrollments,
        courses_published,
        paid_items,
        revenue_usd,
        {{ safe_divide('enrollments', 'sum(enrollments) over (partition by month_start)') }}
            as category_enrollment_share,
        {{ growth_rate('enrollments', 'prior_month_enrollments') }}
            as enrollment_mom_growth_rate,
        {{ growth_rate('enrollments', 'prior_year_enrollments') }}
            as enrollment_yoy_growth_rate,
        {{ growth_rate('revenue_usd', 'prior_month_revenue_usd') }} as revenue_mom_growth_rate,
        {{ growth_rate('revenue_usd', 'prior_year_revenue_usd') }} as revenue_yoy_growth_rate

    from with_prior

)

select * from final
