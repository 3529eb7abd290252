with

subscription_months as {{ inline_cte() }} (

    select * from {{ ref('int_subscription_months') }}

),

monthly as (

    select
        month_start,
        count(
            distinct case when is_active_at_month_start then subscription_id end
        ) as active_subscriptions_at_start,
        count(distinct case when is_new then subscription_id end) as new_subscriptions,
        count(
            distinct case when is_active_at_month_start and is_cancelled then subscription_id end
        ) as churned_subscriptions,
        count(distinct case when is_cancelled then subscription_id end) as cancelled_subscriptions,
        count(
            distinct case when is_active_at_month_end then subscription_id end
        ) as active_subscriptions_at_end,
        count(
            distinct case when is_active_at_month_start then student_id end
        ) as subscribers_at_start,
        count(distinct case when is_active_at_month_end then student_id end) as subscribers_at_end,
        cast(sum(renewals) as {{ dbt.type_bigint() }}) as renewals,
        cast(sum(upgrades) as {{ dbt.type_bigint() }}) as upgrades,
        sum(billed_usd) as billed_usd,
        sum(starting_mrr_usd) as starting_mrr_usd,
        sum(mrr_usd) as mrr_usd,
        sum(case when is_new then mrr_usd else 0 end) as new_mrr_usd,
        sum(
            case
                when is_active_at_month_start and not is_active_at_month_end
                    then starting_mrr_usd
                else 0
            end
        ) as churned_mrr_usd
    from subscription_months
    group by month_start

),

subscribers_lost as (

    select
        month_start,
        count(distinct student_id) as churned_subscribers
    from (
        select
            month_start,
            student_id,
            max(case when is_active_at_month_start then 1 else 0 end) as was_active_at_start,
            max(case when is_active_at_month_end then 1 else 0 end) as is_active_at_end
        from subscription_months
        group by month_start, student_id
    ) as student_months
    where was_active_at_start = 1 and is_active_at_end = 0
    group by month_start

),

final as (

    select
        ---------- keys
        monthly.month_start,

        ---------- attributes
        monthly.month_start = max(monthly.month_start) over () as is_partial_month,

        ---------- measures
        monthly.active_subscriptions_at_start,
        monthly.new_subscriptions,
        monthly.churned_subscriptions,
        monthly.cancelled_subscriptions,
        monthly.active_subscriptions_at_end,
        monthly.subscribers_at_start,
        coalesce(subscribers_lost.churned_subscribers, 0) as churned_subscribers,
        monthly.subscribers_at_end,
        monthly.renewals,
        monthly.upgrades,
        cast(monthly.billed_usd as decimal(18, 2)) as billed_usd,
        cast(round(monthly.starting_mrr_usd, 2) as decimal(18, 2)) as starting_mrr_usd,
        cast(round(monthly.new_mrr_usd, 2) as decimal(18, 2)) as new_mrr_usd,
        cast(round(monthly.churned_mrr_usd, 2) as decimal(18, 2)) as churned_mrr_usd,
        cast(round(monthly.mrr_usd, 2) as decimal(18, 2)) as mrr_usd,
        cast(round(monthly.mrr_usd * 12, 2) as decimal(18, 2)) as arr_usd,
        {{ growth_rate(
            'monthly.mrr_usd',
            'lag(monthly.mrr_usd) over (order by monthly.month_start)'
        ) }} as mrr_growth_rate,
        {{ safe_divide(
            'monthly.churned_subscriptions', 'monthly.active_subscriptions_at_start'
        ) }} as subscription_churn_rate,
        {{ safe_divide(
            'coalesce(subscribers_lost.churned_subscribers, 0)', 'monthly.subscribers_at_start'
        ) }} as customer_churn_rate,
        {{ safe_divide('monthly.churned_mrr_usd', 'monthly.starting_mrr_usd') }} as mrr_churn_rate

    from monthly
    left join subscribers_lost
        on monthly.month_start = subscribers_lost.month_start

)

select * from final
