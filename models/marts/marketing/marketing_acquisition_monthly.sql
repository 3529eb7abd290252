{#- One row per calendar month (UTC) with new students, enrollments or marketing spend: the
    reference's acquisition metrics, whose enrollment is a new student ("New Enrollments: number
    of new students per period"). A student is new in the month of their first enrollment (a
    course bought or taken through a subscription), counted by the channel that brought them
    (dim_students.acquisition_channel), with the growth on the month before and the marketing
    spend per new student; the month's course enrollments are beside them. -#}
{%- set channels = [
    'organic_search', 'paid_search', 'social', 'email', 'referral', 'influencer', 'direct'
] %}
with

students as (

    select * from {{ ref('dim_students') }}

),

enrollments as (

    select * from {{ ref('fct_enrollments') }}

),

customer_economics as {{ inline_cte() }} (

    select * from {{ ref('business_customer_economics_monthly') }}

),

new_students as (

    select
        cast({{ dbt.date_trunc('month', 'first_enrollment_at') }} as date) as month_start,
        acquisition_channel
    from students
    where first_enrollment_at is not null

),

monthly_new_students as (

    select
        month_start,
        {%- for channel in channels %}
        sum(case when acquisition_channel = '{{ channel }}' then 1 else 0 end)
            as {{ channel }}_new_students,
        {%- endfor %}
        count(*) as new_enrolled_students
    from new_students
    group by month_start

),

monthly_enrollments as (

    select
        cast({{ dbt.date_trunc('month', 'enrolled_at') }} as date) as month_start,
        count(*) as course_enrollments
    from enrollments
    group by cast({{ dbt.date_trunc('month', 'enrolled_at') }} as date)

),

months as (

    select month_start from monthly_new_students
    union
    select month_start from monthly_enrollments
    union
    select month_start from customer_economics

),

joined as (

    select
        months.month_start,
        cast(coalesce(monthly_new_students.new_enrolled_students, 0) as {{ dbt.type_bigint() }})
            as new_enrolled_students,
        {%- for channel in channels %}
        cast(
            coalesce(monthly_new_students.{{ channel }}_new_students, 0) as {{ dbt.type_bigint() }}
        ) as {{ channel }}_new_students,
        {%- endfor %}
        cast(coalesce(monthly_enrollments.course_enrollments, 0) as {{ dbt.type_bigint() }})
            as course_enrollments,
        customer_economics.marketing_spend_usd
    from months
    left join monthly_new_students
        on months.month_start = monthly_new_students.month_start
    left join monthly_enrollments
        on months.month_start = monthly_enrollments.month_start
    left join customer_economics
        on months.month_start = customer_economics.month_start

),

with_prior as (

    {{ select_with_prior_periods(
        'joined', ['new_enrolled_students'], offsets={'prior_month': -1}
    ) }}

),

final as (

    select
        ---------- keys
        month_start,

        ---------- attributes
        month_start = max(month_start) over () as is_partial_month,

        ---------- measures
        new_enrolled_students,
        {%- for channel in channels %}
        {{ channel }}_new_students,
        {%- endfor %}
        course_enrollments,
        marketing_spend_usd,
        {{ growth_rate(
            'new_enrolled_students', 'prior_month_new_enrolled_students'
        ) }} as enrollment_growth_rate,
        {{ safe_divide('marketing_spend_usd', 'new_enrolled_students') }} as cost_per_enrollment_usd
    from with_prior

)

select * from final
