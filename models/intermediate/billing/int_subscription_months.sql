with

subscription_events as {{ inline_cte() }} (

    select * from {{ ref('stg_billing__subscription_events') }}

),

subscription_plans as (

    select * from {{ ref('stg_billing__subscription_plans') }}

),

as_of as (

    select max(occurred_at) as as_of_at
    from subscription_events

),

subscriptions as (

    select
        subscription_id,
        min(student_id) as student_id,
        min(case when event_type = 'start' then occurred_at end) as started_at,
        min(case when event_type = 'cancel' then occurred_at end) as cancelled_at
    from subscription_events
    group by subscription_id

),

plan_periods as (

    select
        subscription_id,
        plan_id,
        occurred_at as valid_from,
        lead(occurred_at) over (
            partition by subscription_id
            order by occurred_at, subscription_event_id
        ) as valid_to
    from subscription_events

),

subscription_month_spine as (

    select
        subscriptions.subscription_id,
        subscriptions.student_id,
        subscriptions.started_at,
        subscriptions.cancelled_at,
        {{ marketing_month_series(
            'subscriptions.started_at',
            'coalesce(subscriptions.cancelled_at, as_of.as_of_at)'
        ) }} as month_start
    from subscriptions
    cross join as_of
    where subscriptions.started_at is not null

),

subscription_month_bounds as (

    select
        *,
        cast({{ dbt.dateadd('month', 1, 'month_start') }} as date) as next_month_start
    from subscription_month_spine

),

month_events as (

    select
        subscription_month_bounds.subscription_id,
        subscription_month_bounds.month_start,
        sum(case when subscription_events.event_type = 'start' then 1 else 0 end) as start_events,
        sum(
            case when subscription_events.event_type = 'renewal' then 1 else 0 end
        ) as renewals,
        sum(
            case when subscription_events.event_type = 'upgrade' then 1 else 0 end
        ) as upgrades,
        sum(
            case when subscription_events.event_type = 'cancel' then 1 else 0 end
        ) as cancellations,
        sum(subscription_events.amount_usd) as billed_usd
    from subscription_month_bounds
    inner join subscription_events
        on
            subscription_month_bounds.subscription_id = subscription_events.subscription_id
            and subscription_month_bounds.month_start <= subscription_events.occurred_at
            and subscription_month_bounds.next_month_start > subscription_events.occurred_at
    group by
        subscription_month_bounds.subscription_id,
        subscription_month_bounds.month_start

),

plan_at_month_start as (

    select
        subscription_month_bounds.subscription_id,
        subscription_month_bounds.month_start,
        plan_periods.plan_id
    from subscription_month_bounds
    inner join plan_periods
        on
            subscription_month_bounds.subscription_id = plan_periods.subscription_id
            and subscription_month_bounds.month_start > plan_periods.valid_from
            and (
                plan_periods.valid_to is null
                or subscription_month_bounds.month_start <= plan_periods.valid_to
            )

),

plan_at_month_end as (

    select
        subscription_month_bounds.subscription_id,
        subscription_month_bounds.month_start,
        plan_periods.plan_id
    from subscription_month_bounds
    inner join plan_periods
        on
            subscription_month_bounds.subscription_id = plan_periods.subscription_id
            and subscription_month_bounds.next_month_start > plan_periods.valid_from
            and (
                plan_periods.valid_to is null
                or subscription_month_bounds.next_month_start <= plan_periods.valid_to
            )

),

plan_mrr as (

    select
        plan_id,
        billing_period,
        case
            when billing_period = 'annual' then {{ dbt.cast('price_usd', dbt.type_float()) }} / 12
            else price_usd
        end as plan_mrr_usd
    from subscription_plans

),

subscription_months as (

    select
        subscription_month_bounds.subscription_id,
        subscription_month_bounds.student_id,
        plan_at_month_end.plan_id,
        end_plan.billing_period,
        subscription_month_bounds.month_start,
        subscription_month_bounds.started_at,
        subscription_month_bounds.cancelled_at,
        subscription_month_bounds.started_at < subscription_month_bounds.month_start
        and (
            subscription_month_bounds.cancelled_at is null
            or subscription_month_bounds.cancelled_at >= subscription_month_bounds.month_start
        ) as is_active_at_month_start,
        subscription_month_bounds.cancelled_at is null
        or subscription_month_bounds.cancelled_at
        >= subscription_month_bounds.next_month_start as is_active_at_month_end,
        coalesce(month_events.start_events, 0) as start_events,
        coalesce(month_events.renewals, 0) as renewals,
        coalesce(month_events.upgrades, 0) as upgrades,
        coalesce(month_events.cancellations, 0) as cancellations,
        coalesce(month_events.billed_usd, 0) as billed_usd,
        start_plan.plan_mrr_usd as start_plan_mrr_usd,
        end_plan.plan_mrr_usd as end_plan_mrr_usd
    from subscription_month_bounds
    left join month_events
        on
            subscription_month_bounds.subscription_id = month_events.subscription_id
            and subscription_month_bounds.month_start = month_events.month_start
    left join plan_at_month_start
        on
            subscription_month_bounds.subscription_id = plan_at_month_start.subscription_id
            and subscription_month_bounds.month_start = plan_at_month_start.month_start
    left join plan_at_month_end
        on
            subscription_month_bounds.subscription_id = plan_at_month_end.subscription_id
            and subscription_month_bounds.month_start = plan_at_month_end.month_start
    left join plan_mrr as start_plan
        on plan_at_month_start.plan_id = start_plan.plan_id
    left join plan_mrr as end_plan
        on plan_at_month_end.plan_id = end_plan.plan_id

),

final as (

    select
        ---------- keys
        subscription_id,
        month_start,

        ---------- foreign keys
        student_id,
        plan_id,

        ---------- attributes
        billing_period,
        is_active_at_month_start,
        is_active_at_month_end,
        start_events > 0 as is_new,
        cancellations > 0 as is_cancelled,

        ---------- timestamps (UTC)
        started_at,
        cancelled_at,

        ---------- measures
        cast(renewals as {{ dbt.type_bigint() }}) as renewals,
        cast(upgrades as {{ dbt.type_bigint() }}) as upgrades,
        cast(billed_usd as decimal(18, 2)) as billed_usd,
        cast(
            case when is_active_at_month_start then start_plan_mrr_usd else 0 end
            as decimal(18, 6)
        ) as starting_mrr_usd,
        cast(
            case when is_active_at_month_end then end_plan_mrr_usd else 0 end
            as decimal(18, 6)
        ) as mrr_usd

    from subscription_months

)

select * from final
