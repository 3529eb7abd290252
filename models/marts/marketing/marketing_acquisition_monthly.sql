{#- One row per calendar month (UTC) with enrollments or marketing spend: new enrollments by
    source (the marketing channel of the order's last touch, fct_order_touchpoints), their growth
    on the month before and the marketing spend per enrollment. -#}
{%- set sources = [
    'organic_search', 'paid_search', 'social', 'email', 'referral', 'influencer', 'direct',
    'other', 'untracked', 'subscription'
] %}
with

enrollments as (

    select * from {{ ref('fct_enrollments') }}

),

order_items as (

    select * from {{ ref('fct_order_items') }}

),

touchpoints as (

    select * from {{ ref('fct_order_touchpoints') }}

),

customer_economics as (

    select * from {{ ref('business_customer_economics_monthly') }}

),

last_touches as (

    select
        order_id,
        channel
    from touchpoints
    where is_last_touch

),

enrollment_sources as (

    select
        cast({{ dbt.date_trunc('month', 'enrollments.enrolled_at') }} as date) as month_start,
        case
            when enrollments.access_type = 'subscription' then 'subscription'
            else coalesce(last_touches.channel, 'untracked')
        end as enrollment_source
    from enrollments
    left join order_items
        on enrollments.order_item_id = order_items.order_item_id
    left join last_touches
        on order_items.order_id = last_touches.order_id

),

monthly_enrollments as (

    select
        month_start,
        {%- for source in sources %}
        sum(case when enrollment_source = '{{ source }}' then 1 else 0 end)
            as {{ source }}_enrollments,
        {%- endfor %}
        count(*) as new_enrollments
    from enrollment_sources
    group by month_start

),

months as (

    select month_start from monthly_enrollments
    union
    select month_start from customer_economics

),

joined as (

    select
        months.month_start,
        cast(coalesce(monthly_enrollments.new_enrollments, 0) as {{ dbt.type_bigint() }})
            as new_enrollments,
        {%- for source in sources %}
        cast(
            coalesce(monthly_enrollments.{{ source }}_enrollments, 0) as {{ dbt.type_bigint() }}
        ) as {{ source }}_enrollments,
        {%- endfor %}
        customer_economics.marketing_spend_usd
    from months
    left join monthly_enrollments
        on months.month_start = monthly_enrollments.month_start
    left join customer_economics
        on months.month_start = customer_economics.month_start

),

with_prior as (

    {{ select_with_prior_periods('joined', ['new_enrollments'], offsets={'prior_month': -1}) }}

),

final as (

    select
        ---------- keys
        month_start,

        ---------- attributes
        month_start = max(month_start) over () as is_partial_month,

        ---------- measures
        new_enrollments,
        {%- for source in sources %}
        {{ source }}_enrollments,
        {%- endfor %}
        marketing_spend_usd,
        {{ growth_rate(
            'new_enrollments', 'prior_month_new_enrollments'
        ) }} as enrollment_growth_rate,
        {{ safe_divide('marketing_spend_usd', 'new_enrollments') }} as cost_per_enrollment_usd
    from with_prior

)

select * from final
