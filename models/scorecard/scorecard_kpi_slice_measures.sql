{#- The KPIs that have slices, each as numerator and denominator per period and slice of its main
    dimensions, from the facts at the grain the KPI is scored by (a month; a day for the daily
    session conversion and bounce rates); kpi_drivers decomposes their changes. A KPI is
    one entry of kpi_slices below: which summed slice relation, which numerator, which
    denominator (none for an additive KPI). Each slice relation partitions its KPI's numerator
    and denominator, so the slices add up to the KPI's value of the period (an order with courses of
    several categories counts as a fraction of an order in each). -#}
{%- set commerce_dimensions = ['category', 'instructor_tier', 'student_country'] %}
{%- set kpi_slices = [
    {'kpi_id': 'rev_revenue', 'relation': 'commerce_slices',
        'numerator': 'collected_usd - refunded_usd', 'denominator': none},
    {'kpi_id': 'rev_average_order_value', 'relation': 'commerce_slices',
        'numerator': 'collected_usd', 'denominator': 'paid_orders'},
    {'kpi_id': 'rev_refund_rate', 'relation': 'commerce_slices',
        'numerator': 'refunded_usd', 'denominator': 'collected_usd'},
    {'kpi_id': 'rev_payment_success_rate', 'relation': 'payment_slices',
        'numerator': 'succeeded_payment_attempts', 'denominator': 'payment_attempts'},
    {'kpi_id': 'cs_completion_rate', 'relation': 'enrollment_slices',
        'numerator': 'completed_in_window_enrollments', 'denominator': 'enrollments'},
    {'kpi_id': 'cs_certification_rate', 'relation': 'enrollment_slices',
        'numerator': 'certified_in_window_enrollments', 'denominator': 'enrollments'},
    {'kpi_id': 'eng_conversion_rate', 'relation': 'traffic_slices',
        'numerator': 'converted_sessions', 'denominator': 'sessions'},
    {'kpi_id': 'eng_bounce_rate', 'relation': 'traffic_slices',
        'numerator': 'bounced_sessions', 'denominator': 'sessions'},
    {'kpi_id': 'cmp_roi', 'relation': 'campaign_slices',
        'numerator': 'attributed_revenue_usd - spend_usd', 'denominator': 'spend_usd'},
    {'kpi_id': 'cmp_ctr', 'relation': 'campaign_slices',
        'numerator': 'clicks', 'denominator': 'impressions'},
    {'kpi_id': 'cmp_engagement_rate', 'relation': 'campaign_slices',
        'numerator': 'engagements', 'denominator': 'reach'},
    {'kpi_id': 'cmp_cpa', 'relation': 'campaign_slices',
        'numerator': 'spend_usd', 'denominator': 'converting_customers'},
] %}

with

order_items as (

    select * from {{ ref('fct_order_items') }}

),

refunds as (

    select * from {{ ref('fct_refunds') }}

),

payments as (

    select * from {{ ref('fct_payments') }}

),

students as {{ inline_cte() }} (

    select * from {{ ref('dim_students') }}

),

instructor_revenue as {{ inline_cte() }} (

    select * from {{ ref('revenue_by_instructor_monthly') }}

),

enrollments as (

    select * from {{ ref('fct_enrollments') }}

),

traffic as (

    select * from {{ ref('platform_traffic_hourly') }}

),

campaign_daily as (

    select * from {{ ref('campaign_performance_daily') }}

),

---------- instructor tier as known at the start of each month: the top 10% of instructors by
---------- net revenue of the 12 months before (as instructor_performance ranks them), the rest
---------- the long tail; nothing after the month is read, so a month's slices never restate

sales_months as (

    select distinct month_start from instructor_revenue

),

trailing_instructor_revenue as (

    select
        sales_months.month_start,
        instructor_revenue.instructor_id,
        sum(instructor_revenue.revenue_usd) as trailing_revenue_usd
    from sales_months
    inner join instructor_revenue
        on
            sales_months.month_start > instructor_revenue.month_start
            and {{ dbt.dateadd('month', -12, 'sales_months.month_start') }}
            <= instructor_revenue.month_start
    group by sales_months.month_start, instructor_revenue.instructor_id

),

ranked_instructors as (

    select
        month_start,
        instructor_id,
        row_number() over (
            partition by month_start order by trailing_revenue_usd desc, instructor_id asc
        ) as revenue_rank,
        count(*) over (partition by month_start) as instructors_with_revenue
    from trailing_instructor_revenue
    where trailing_revenue_usd > 0

),

instructor_tiers as (

    select
        month_start,
        instructor_id,
        case
            when revenue_rank <= ceiling(0.1 * instructors_with_revenue) then 'top_10_pct'
            else 'long_tail'
        end as instructor_tier
    from ranked_instructors

),

---------- commerce: order lines in the month of the order, refunds in the month issued

order_line_shares as (

    select
        *,
        case
            when has_succeeded_payment
                then {{ dbt.cast('1', dbt.type_float()) }} / count(*) over (partition by order_id)
            else 0
        end as paid_order_share
    from order_items

),

order_lines as (

    select
        order_line_shares.order_month_start as period_start,
        order_line_shares.category,
        coalesce(instructor_tiers.instructor_tier, 'long_tail') as instructor_tier,
        students.country_code as student_country,
        coalesce(order_line_shares.collected_usd, 0) as collected_usd,
        order_line_shares.paid_order_share,
        0 as refunded_usd
    from order_line_shares
    left join students
        on order_line_shares.student_id = students.student_id
    left join instructor_tiers
        on
            order_line_shares.instructor_id = instructor_tiers.instructor_id
            and order_line_shares.order_month_start = instructor_tiers.month_start

),

refund_lines as (

    select
        refunds.refund_month_start as period_start,
        refunds.category,
        coalesce(instructor_tiers.instructor_tier, 'long_tail') as instructor_tier,
        students.country_code as student_country,
        0 as collected_usd,
        0 as paid_order_share,
        refunds.refund_amount_usd as refunded_usd
    from refunds
    left join students
        on refunds.student_id = students.student_id
    left join instructor_tiers
        on
            refunds.instructor_id = instructor_tiers.instructor_id
            and refunds.refund_month_start = instructor_tiers.month_start

),

commerce_lines as (

    select * from order_lines
    union all
    select * from refund_lines

),

commerce_slices as (

    {{ kpi_slice_sums('commerce_lines', commerce_dimensions, [
        ('collected_usd', 'collected_usd'),
        ('paid_orders', 'paid_order_share'),
        ('refunded_usd', 'refunded_usd'),
    ]) }}

),

payment_lines as (

    select
        attempt_month_start as period_start,
        payment_method,
        case when is_succeeded then 1 else 0 end as is_succeeded_attempt
    from payments

),

payment_slices as (

    {{ kpi_slice_sums('payment_lines', ['payment_method'], [
        ('payment_attempts', '1'),
        ('succeeded_payment_attempts', 'is_succeeded_attempt'),
    ]) }}

),

---------- course success: enrollment cohorts, completion and certification within the catalog's
---------- cohort windows (fct_enrollments' flags, as course_success_monthly counts them)

enrollment_lines as (

    select
        cast({{ dbt.date_trunc('month', 'enrollments.enrolled_at') }} as date) as period_start,
        enrollments.course_category as category,
        students.country_code as student_country,
        case when enrollments.is_completed_in_window then 1 else 0 end as is_completed_in_window,
        case when enrollments.is_certified_in_window then 1 else 0 end as is_certified_in_window
    from enrollments
    left join students
        on enrollments.student_id = students.student_id

),

enrollment_slices as (

    {{ kpi_slice_sums('enrollment_lines', ['category', 'student_country'], [
        ('enrollments', '1'),
        ('completed_in_window_enrollments', 'is_completed_in_window'),
        ('certified_in_window_enrollments', 'is_certified_in_window'),
    ]) }}

),

---------- web traffic by day (its KPIs are daily) and influencer campaigns by month, from their
---------- daily marts

traffic_lines as (

    select
        date_day as period_start,
        channel,
        device_category,
        sessions,
        converted_sessions,
        bounced_sessions
    from traffic

),

traffic_slices as (

    {{ kpi_slice_sums('traffic_lines', ['channel', 'device_category'], [
        ('sessions', 'sessions'),
        ('converted_sessions', 'converted_sessions'),
        ('bounced_sessions', 'bounced_sessions'),
    ]) }}

),

campaign_lines as (

    select
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as period_start,
        platform as campaign_platform,
        influencer_tier,
        impressions,
        reach,
        {{ campaign_engagements() }} as engagements,
        clicks,
        converting_customers,
        spend_usd,
        attributed_revenue_usd
    from campaign_daily

),

campaign_slices as (

    {{ kpi_slice_sums('campaign_lines', ['campaign_platform', 'influencer_tier'], [
        ('impressions', 'impressions'),
        ('reach', 'reach'),
        ('engagements', 'engagements'),
        ('clicks', 'clicks'),
        ('converting_customers', 'converting_customers'),
        ('spend_usd', 'spend_usd'),
        ('attributed_revenue_usd', 'attributed_revenue_usd'),
    ]) }}

),

---------- one long relation: a KPI per entry of kpi_slices

final as (

    {%- for kpi in kpi_slices %}
    {% if not loop.first %}union all{% endif %}
    {{ kpi_slice_select(kpi.kpi_id, kpi.relation, kpi.numerator, kpi.denominator) }}
    {%- endfor %}

)

select * from final
