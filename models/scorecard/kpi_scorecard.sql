with

catalog as {{ inline_cte() }} (

    select * from {{ ref('kpi_catalog') }}

),

template as (

    select * from {{ ref('kpi_template') }}

),

manual_kpis as (

    select * from {{ ref('manual_kpis') }}

),

kpi_periods as (

    select * from {{ ref('scorecard_kpi_expected_ranges') }}

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
        cast({{ dbt.dateadd(
            'month', -1 * var('kpi_baseline_months'), 'template.target_start_date'
        ) }} as date) as baseline_start_date
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
            and plans.baseline_start_date <= finality.period_start
            and plans.target_start_date > finality.period_end
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
                then {{ kpi_interim_target_days(
                    'changes.period_start', 'plans.target_start_date'
                ) }}
        end as interim_target_days
    from changes
    inner join catalog
        on changes.kpi_id = catalog.kpi_id
    left join plans
        on changes.kpi_id = plans.kpi_id
    left join baselines
        on changes.kpi_id = baselines.kpi_id

),

planned as (

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
        planned.kpi_id,
        planned.period_start,

        ---------- attributes
        catalog.kpi_name,
        catalog.pillar,
        catalog.level,
        catalog.frequency,
        catalog.unit,
        catalog.direction,
        catalog.owner,
        -- reported by people (manual.kpi_reports), not computed from a source system
        manual_kpis.kpi_id is not null as is_manual,
        planned.period_end,
        planned.prior_period_start,
        planned.is_complete_period,
        planned.is_partial_period,
        planned.is_final_period,
        not planned.is_final_period as is_provisional,
        case
            when planned.no_data_reason is not null then 'no_data'
            when not planned.is_final_period then 'provisional'
            else {{ kpi_status(
                'planned.actual_value', 'catalog.target', 'catalog.warning_threshold',
                'catalog.critical_threshold', 'catalog.direction', 'catalog.blue_margin_rate'
            ) }}
        end as status,
        case
            when planned.no_data_reason is not null then planned.no_data_reason
            when planned.is_partial_period then 'the data starts inside this period'
            when not planned.is_complete_period then 'the period is still in progress'
            when not planned.is_mature_period
                then 'cohort not mature: final '
                    || cast(cast(
                        {{ dbt.dateadd('day', 'catalog.maturity_days', 'planned.period_end') }}
                        as date
                    ) as {{ dbt.type_string() }})
                    || ' (' || cast(catalog.maturity_days as {{ dbt.type_string() }})
                    || ' days after the period)'
            when planned.actual_value is null then 'no data in the source for this period'
        end as status_reason,
        {{ kpi_trend_direction('planned.change_value', 'planned.prior_value') }} as trend_direction,
        planned.range_position,

        ---------- measures
        planned.actual_value,
        catalog.target as target_value,
        catalog.warning_threshold,
        catalog.critical_threshold,
        planned.actual_value - catalog.target as target_gap_value,
        planned.prior_value,
        planned.change_value,
        planned.change_rate,
        planned.sample_size,
        catalog.min_sample,
        catalog.maturity_days,
        planned.expected_value,
        planned.expected_lower_value,
        planned.expected_upper_value,
        planned.history_periods,

        ---------- benchmark band (kpi_template): the references' industry range, judged on final
        ---------- periods only
        planned.benchmark_low,
        planned.benchmark_high,
        planned.benchmark_source,
        case
            when not planned.is_final_period or planned.actual_value is null then null
            when planned.benchmark_low is null or planned.benchmark_high is null then null
            when planned.actual_value < planned.benchmark_low then 'below'
            when planned.actual_value > planned.benchmark_high then 'above'
            else 'within'
        end as benchmark_position,

        ---------- target plan (kpi_template): baseline, the interim target in force, progress
        planned.target_start_date,
        planned.baseline_start_date,
        planned.baseline_value,
        planned.baseline_periods,
        planned.interim_target_days,
        planned.interim_target_value,
        case
            when planned.is_final_period
                then {{ kpi_meets(
                    'planned.actual_value', 'planned.interim_target_value',
                    'catalog.direction'
                ) }}
        end as interim_target_met,
        case
            when planned.is_final_period
                then {{ kpi_target_progress(
                    'planned.actual_value', 'planned.baseline_value', 'catalog.target', 'catalog.direction'
                ) }}
        end as target_progress_rate
    from planned
    inner join catalog
        on planned.kpi_id = catalog.kpi_id
    left join manual_kpis
        on planned.kpi_id = manual_kpis.kpi_id

)

select * from final
