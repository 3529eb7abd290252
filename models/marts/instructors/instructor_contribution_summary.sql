with

instructor_performance as (

    select * from {{ ref('instructor_performance') }}

),

totals as (

    select
        max(as_of_day) as as_of_day,
        count(*) as instructors,
        count(case when revenue_usd > 0 then 1 end) as instructors_with_revenue,
        count(case when is_top_10_pct then 1 end) as top_instructors,
        count(case when not is_top_10_pct then 1 end) as long_tail_instructors,
        count(case when cumulative_revenue_share - revenue_share < 0.8 then 1 end)
            as instructors_for_80_pct_revenue,
        count(case when activity_status = 'active' then 1 end) as active_instructors,
        count(case when activity_status = 'at_risk' then 1 end) as at_risk_instructors,
        count(case when activity_status = 'churned' then 1 end) as churned_instructors,
        count(case when activity_status = 'never_active' then 1 end) as never_active_instructors,
        sum(revenue_usd) as revenue_usd,
        coalesce(sum(case when is_top_10_pct then revenue_usd end), 0) as top_10_pct_revenue_usd,
        coalesce(sum(case when not is_top_10_pct then revenue_usd end), 0)
            as long_tail_revenue_usd
    from instructor_performance

),

final as (

    select
        ---------- keys
        as_of_day,

        ---------- measures: counts
        instructors,
        instructors_with_revenue,
        top_instructors,
        long_tail_instructors,
        instructors_for_80_pct_revenue,
        active_instructors,
        at_risk_instructors,
        churned_instructors,
        never_active_instructors,

        ---------- measures: money (USD)
        revenue_usd,
        top_10_pct_revenue_usd,
        long_tail_revenue_usd,

        ---------- measures: rates
        {{ safe_divide('top_10_pct_revenue_usd', 'revenue_usd') }} as top_10_pct_revenue_share,
        {{ safe_divide('long_tail_revenue_usd', 'revenue_usd') }} as long_tail_revenue_share,
        {{ safe_divide('instructors_for_80_pct_revenue', 'instructors_with_revenue') }}
            as instructor_share_for_80_pct_revenue,
        {{ safe_divide(
            'churned_instructors',
            'active_instructors + at_risk_instructors + churned_instructors'
        ) }} as instructor_churn_rate,
        {{ safe_divide(
            'active_instructors + at_risk_instructors',
            'active_instructors + at_risk_instructors + churned_instructors'
        ) }} as instructor_retention_rate

    from totals

)

select * from final
