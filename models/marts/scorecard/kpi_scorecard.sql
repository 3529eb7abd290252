with

catalog as (

    select * from {{ ref('kpi_catalog') }}

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

final as (

    select
        ---------- keys
        changes.kpi_id,
        changes.period_start,

        ---------- attributes
        catalog.kpi_name,
        catalog.pillar,
        catalog.level,
        catalog.frequency,
        catalog.unit,
        catalog.direction,
        catalog.owner,
        changes.period_end,
        changes.prior_period_start,
        changes.is_complete_period,
        changes.is_partial_period,
        changes.is_final_period,
        not changes.is_final_period as is_provisional,
        case
            when changes.no_data_reason is not null then 'no_data'
            when not changes.is_final_period then 'provisional'
            else {{ kpi_status(
                'changes.actual_value', 'catalog.target', 'catalog.warning_threshold',
                'catalog.critical_threshold', 'catalog.direction', 'catalog.blue_margin_rate'
            ) }}
        end as status,
        case
            when changes.no_data_reason is not null then changes.no_data_reason
            when changes.is_partial_period then 'the data starts inside this period'
            when not changes.is_complete_period then 'the period is still in progress'
            when not changes.is_mature_period
                then 'cohort not mature: final '
                    || cast(cast(
                        {{ dbt.dateadd('day', 'catalog.maturity_days', 'changes.period_end') }}
                        as date
                    ) as {{ dbt.type_string() }})
                    || ' (' || cast(catalog.maturity_days as {{ dbt.type_string() }})
                    || ' days after the period)'
            when changes.actual_value is null then 'no data in the source for this period'
        end as status_reason,
        {{ kpi_trend_direction('changes.change_value', 'changes.prior_value') }} as trend_direction,
        changes.range_position,

        ---------- measures
        changes.actual_value,
        catalog.target as target_value,
        catalog.warning_threshold,
        catalog.critical_threshold,
        changes.actual_value - catalog.target as target_gap_value,
        changes.prior_value,
        changes.change_value,
        changes.change_rate,
        changes.sample_size,
        catalog.min_sample,
        catalog.maturity_days,
        changes.expected_value,
        changes.expected_lower_value,
        changes.expected_upper_value,
        changes.history_periods
    from changes
    inner join catalog
        on changes.kpi_id = catalog.kpi_id

)

select * from final
