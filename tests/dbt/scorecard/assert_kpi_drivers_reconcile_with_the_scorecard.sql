-- Every dimension's slices add up to the KPI the scorecard shows: the sum over a dimension's
-- slices (kpi_value, kpi_prior_value) equals kpi_scorecard.actual_value of the period and of the
-- period before (months; days for a daily KPI), wherever the scorecard has a value. Returns the
-- mismatches.
with

drivers as (

    select * from {{ ref('kpi_drivers') }}

),

scorecard as (

    select * from {{ ref('kpi_scorecard') }}

),

dimension_values as (

    select distinct
        kpi_id,
        period_start,
        prior_period_start,
        dimension,
        kpi_value,
        kpi_prior_value
    from drivers

),

compared as (

    select
        dimension_values.*,
        current_period.actual_value,
        prior_period.actual_value as prior_actual_value
    from dimension_values
    inner join scorecard as current_period
        on
            dimension_values.kpi_id = current_period.kpi_id
            and dimension_values.period_start = current_period.period_start
    left join scorecard as prior_period
        on
            dimension_values.kpi_id = prior_period.kpi_id
            and dimension_values.prior_period_start = prior_period.period_start

)

select *
from compared
where
    abs(kpi_value - actual_value) > 1e-6 * greatest(1, abs(actual_value))
    or abs(kpi_prior_value - prior_actual_value) > 1e-6 * greatest(1, abs(prior_actual_value))
