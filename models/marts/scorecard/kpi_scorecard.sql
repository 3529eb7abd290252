with

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

template as (

    select * from {{ ref('kpi_template') }}

),

kpi_periods as (

    select * from {{ ref('int_kpi_expected_ranges') }}

),

-- A period is final when it is complete, mature (its catalog maturity_days have passed) and not
-- partial (the data does not start inside it); only final periods are scored and compared.
finality as (

    select
        *,
        is_complete_period and is_mature_period and not is_partial_period as is_final_period
    from kpi_periods

),

with_prior as (

    select
        finality.*,
        prior_periods.actual_value as prior_value
    from finality
    left join finality as prior_periods
        on
            finality.kpi_id = prior_periods.kpi_id
            and finality.prior_period_start = prior_periods.period_start
            -- like for like: two final periods, never a partial or provisional one
            and finality.is_final_period
            and prior_periods.is_final_period

),

changes as (

    select
        with_prior.*,
        with_prior.actual_value - with_prior.prior_value as change_value,
        {{ growth_rate('with_prior.actual_value', 'with_prior.prior_value') }} as change_rate
    from with_prior

),

-- the KPI template's plan: the yearly target's clock starts at the template's target_start_date;
-- the baseline is read from the kpi_baseline_months (dbt var) before it
plans as (

    select
        template.*,
        cast(
            {{ dbt.dateadd('month', -1 * var('kpi_baseline_months'), 'template.target_start_date') }}
            as date
        ) as baseline_start_date
    from template

),

-- baseline: the mean of the KPI's final values in the periods wholly inside the baseline window
baselines as (

    select
        plans.kpi_id,
        avg(finality.actual_value) as baseline_value,
        count(finality.actual_value) as baseline_periods
    from plans
    inner join finality
        on
            plans.kpi_id = finality.kpi_id
            and finality.period_start >= plans.baseline_start_date
            and finality.period_end < plans.target_start_date
            and finality.is_final_period
    group by plans.kpi_id

),

with_plan as (

    select
        changes.*,
        plans.benchmark_low,
        plans.benchmark_high,
        plans.benchmark_source,
        plans.target_start_date,
        plans.baseline_start_date,
        plans.target_30_days,
        plans.target_90_days,
        -- a period before the plan starts never reads the baseline (it lies after such a period)
        case
            when changes.period_start >= plans.target_start_date then baselines.baseline_value
        end as baseline_value,
        case
            when changes.period_start >= plans.target_start_date
                then coalesce(baselines.baseline_periods, 0)
        end as baseline_periods,
        -- the interim target in force: none without a yearly target
        case
            when catalog.target is not null
                then {{ kpi_interim_target_days('changes.period_start', 'plans.target_start_date') }}
        end as interim_target_days
    from changes
    inner join catalog
        on changes.kpi_id = catalog.kpi_id
    left join plans
        on changes.kpi_id = plans.kpi_id
    left join baselines
        on changes.kpi_id = baselines.kpi_id

),

targets_in_force as (

    select
        with_plan.*,
        {{ kpi_interim_target_value(
            'with_plan.interim_target_days', 'with_plan.target_30_days', 'with_plan.target_90_days',
            'catalog.target'
        ) }} as interim_target_value
    from with_plan
    inner join catalog
        on with_plan.kpi_id = catalog.kpi_id

),

final as (

    select
        ---------- keys
        targets_in_force.kpi_id,
        targets_in_force.period_start,

        ---------- attributes
        catalog.kpi_name,
        catalog.pillar,
        catalog.level,
        catalog.frequency,
        catalog.unit,
        catalog.direction,
        catalog.owner,
        targets_in_force.period_end,
        targets_in_force.prior_period_start,
        targets_in_force.is_complete_period,
        targets_in_force.is_partial_period,
        targets_in_force.is_final_period,
        not targets_in_force.is_final_period as is_provisional,
        case
            when targets_in_force.no_data_reason is not null then 'no_data'
            when not targets_in_force.is_final_period then 'provisional'
            else {{ kpi_status(
                'targets_in_force.actual_value', 'catalog.target', 'catalog.warning_threshold',
                'catalog.critical_threshold', 'catalog.direction', 'catalog.blue_margin_rate'
            ) }}
        end as status,
        case
            when targets_in_force.no_data_reason is not null then targets_in_force.no_data_reason
            when targets_in_force.is_partial_period then 'the data starts inside this period'
            when not targets_in_force.is_complete_period then 'the period is still in progress'
            when not targets_in_force.is_mature_period
                then 'cohort not mature: final '
                    || cast(cast(
                        {{ dbt.dateadd('day', 'catalog.maturity_days', 'targets_in_force.period_end') }}
                        as date
                    ) as {{ dbt.type_string() }})
                    || ' (' || cast(catalog.maturity_days as {{ dbt.type_string() }})
                    || ' days after the period)'
            when targets_in_force.actual_value is null then 'no data in the source for this period'
        end as status_reason,
        {{ kpi_trend_direction('targets_in_force.change_value', 'targets_in_force.prior_value') }} as trend_direction,
        targets_in_force.range_position,

        ---------- measures
        targets_in_force.actual_value,
        catalog.target as target_value,
        catalog.warning_threshold,
        catalog.critical_threshold,
        targets_in_force.actual_value - catalog.target as target_gap_value,
        targets_in_force.prior_value,
        targets_in_force.change_value,
        targets_in_force.change_rate,
        targets_in_force.sample_size,
        catalog.min_sample,
        catalog.maturity_days,
        targets_in_force.expected_value,
        targets_in_force.expected_lower_value,
        targets_in_force.expected_upper_value,
        targets_in_force.history_periods,

        ---------- benchmark band (kpi_template): the references' industry range, judged on final
        ---------- periods only
        targets_in_force.benchmark_low,
        targets_in_force.benchmark_high,
        targets_in_force.benchmark_source,
        case
            when not targets_in_force.is_final_period or targets_in_force.actual_value is null then null
            when targets_in_force.benchmark_low is null or targets_in_force.benchmark_high is null then null
            when targets_in_force.actual_value < targets_in_force.benchmark_low then 'below'
            when targets_in_force.actual_value > targets_in_force.benchmark_high then 'above'
            else 'within'
        end as benchmark_position,

        ---------- target plan (kpi_template): baseline, the interim target in force, progress
        targets_in_force.target_start_date,
        targets_in_force.baseline_start_date,
        targets_in_force.baseline_value,
        targets_in_force.baseline_periods,
        targets_in_force.interim_target_days,
        targets_in_force.interim_target_value,
        case
            when targets_in_force.is_final_period
                then {{ kpi_meets(
                    'targets_in_force.actual_value', 'targets_in_force.interim_target_value',
                    'catalog.direction'
                ) }}
        end as interim_target_met,
        case
            when targets_in_force.is_final_period
                then {{ kpi_target_progress(
                    'targets_in_force.actual_value', 'targets_in_force.baseline_value', 'catalog.target', 'catalog.direction'
                ) }}
        end as target_progress_rate
    from targets_in_force
    inner join catalog
        on targets_in_force.kpi_id = catalog.kpi_id

)

select * from final
