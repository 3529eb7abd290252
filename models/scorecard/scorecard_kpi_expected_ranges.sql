{#- One row per catalog KPI and period: the period's bounds, whether it can be judged (complete,
    not partial, mature) and the range its value was expected in, learned from the KPI's own
    history (settings in scorecard_baseline_settings()):
    1. usable periods: complete, not partial (the data starts inside it), mature (maturity_days
       have passed since it ended) and with a value; only these are learned from and judged;
    2. seasonal KPIs (catalog seasonal_baseline): each usable period's seasonal index is its value
       over the centred mean of its neighbours (half a season either side: 3 days, 26 weeks, 6
       months, 2 quarters; no index at the ends of the history); a period is expected to deviate
       as the same period a season earlier did (7 days, 52 weeks, 12 months, 4 quarters); while
       that period has no index the factor is 1 and the period is learned from, not judged;
    3. expected value: the median of the prior baseline_periods seasonally adjusted values, times
       the period's seasonal factor;
    4. residual: observed vs expected, relative for totals (usd, count), absolute for rates,
       ratios and scores; the prior history_periods residuals give the range: centre = expected
       corrected by their median (the lag of the median behind a trend), half-width = sigmas (by
       frequency) x their robust standard deviation, never narrower than the noise of the KPI's
       sample (catalog sampling_error: kpi_sampling_error()) and, for totals and costs, never
       below zero;
    5. position: below / within / above the range; null while the KPI has fewer than
       min_history_periods residuals or, if seasonal, no season-ago index (training: its season
       and a change would look the same), or the period is not usable.
    Nothing after a period is read to judge it. -#}
{%- set settings = scorecard_baseline_settings() %}
{%- set sigmas = scorecard_by_frequency(settings.sigmas, 'frequency') %}

with

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

kpi_values as (

    select * from {{ ref('scorecard_kpi_values') }}

),

as_of as (

    select * from {{ ref('data_as_of_day') }}

),

period_bounds as (

    select
        kpi_values.kpi_id,
        kpi_values.period_start,
        kpi_values.actual_value,
        kpi_values.sample_size,
        kpi_values.no_data_reason,
        catalog.unit,
        catalog.frequency,
        catalog.maturity_days,
        catalog.min_sample,
        catalog.sampling_error,
        catalog.seasonal_baseline,
        {{ kpi_period_shift('catalog.frequency', 'kpi_values.period_start', -1) }}
            as prior_period_start,
        {{ kpi_period_shift('catalog.frequency', 'kpi_values.period_start', 1) }}
            as next_period_start,
        -- the same period a season earlier: a week for days, a year for weeks (52 weeks, so the
        -- same weekday), months and quarters
        cast(case catalog.frequency
            when 'daily' then {{ dbt.dateadd('day', -7, 'kpi_values.period_start') }}
            when 'weekly' then {{ dbt.dateadd('day', -364, 'kpi_values.period_start') }}
            when 'monthly' then {{ dbt.dateadd('month', -12, 'kpi_values.period_start') }}
            when 'quarterly' then {{ dbt.dateadd('month', -12, 'kpi_values.period_start') }}
        end as date) as season_ago_period_start,
        -- half a season in periods: the neighbours either side of a period whose mean spans one
        -- whole season, so it follows the trend and averages the season out
        case catalog.frequency
            when 'daily' then 3
            when 'weekly' then 26
            when 'monthly' then 6
            when 'quarterly' then 2
        end as half_season_periods
    from kpi_values
    inner join catalog
        on kpi_values.kpi_id = catalog.kpi_id

),

period_flags as (

    select
        period_bounds.*,
        cast({{ dbt.dateadd('day', -1, 'period_bounds.next_period_start') }} as date)
            as period_end,
        coalesce(period_bounds.next_period_start <= as_of.as_of_day, false)
            as is_complete_period,
        coalesce(period_bounds.period_start < as_of.data_start_day, false) as is_partial_period,
        coalesce(
            {{ dbt.dateadd(
                'day', 'period_bounds.maturity_days', 'period_bounds.next_period_start'
            ) }}
            <= as_of.as_of_day,
            false
        ) as is_mature_period
    from period_bounds
    cross join as_of

),

usable_periods as (

    select
        *,
        row_number() over (partition by kpi_id order by period_start) as usable_index
    from period_flags
    where
        is_complete_period
        and not is_partial_period
        and is_mature_period
        and actual_value is not null

),

neighbourhoods as (

    select
        usable_periods.kpi_id,
        usable_periods.period_start,
        usable_periods.actual_value,
        usable_periods.half_season_periods,
        sum(neighbours.actual_value) as neighbour_sum,
        count(neighbours.period_start) as neighbour_count
    from usable_periods
    left join usable_periods as neighbours
        on
            usable_periods.kpi_id = neighbours.kpi_id
            and neighbours.usable_index
            between usable_periods.usable_index - usable_periods.half_season_periods
            and usable_periods.usable_index + usable_periods.half_season_periods
            and usable_periods.usable_index != neighbours.usable_index
    group by
        usable_periods.kpi_id,
        usable_periods.period_start,
        usable_periods.actual_value,
        usable_periods.half_season_periods

),

seasonal_indexes as (

    select
        kpi_id,
        period_start,
        -- a centred mean only: at the ends of the history the neighbours lie on one side, and a
        -- growing KPI's first periods would look like a deep seasonal low (and its last like a
        -- high), predicting the same periods a season later far off the trend
        case
            when neighbour_count = 2 * half_season_periods and neighbour_sum > 0
                then actual_value / (neighbour_sum / neighbour_count)
        end as seasonal_index
    from neighbourhoods

),

seasonal_factors as (

    select
        usable_periods.*,
        case
            when usable_periods.seasonal_baseline and season_ago.seasonal_index > 0
                then season_ago.seasonal_index
            else 1.0
        end as seasonal_factor,
        -- a seasonal KPI before its history holds a season-ago index cannot tell its season from
        -- a change: its first season's residuals still feed the spread (wider, so cautious),
        -- but the period is not judged
        not usable_periods.seasonal_baseline or season_ago.seasonal_index > 0
            as has_seasonal_factor
    from usable_periods
    left join seasonal_indexes as season_ago
        on
            usable_periods.kpi_id = season_ago.kpi_id
            and usable_periods.season_ago_period_start = season_ago.period_start

),

baselines as (

    select
        *,
        {{ scorecard_median('actual_value / seasonal_factor') }} over (
            partition by kpi_id order by usable_index
            rows between {{ settings.baseline_periods }} preceding and 1 preceding
        ) as baseline_value,
        count(*) over (
            partition by kpi_id order by usable_index
            rows between {{ settings.baseline_periods }} preceding and 1 preceding
        ) as baseline_count
    from seasonal_factors

),

predictions as (

    select
        *,
        unit in ('usd', 'count', 'hours') as is_relative,
        case
            when baseline_count = {{ settings.baseline_periods }}
                then baseline_value * seasonal_factor
        end as predicted_value
    from baselines

),

residuals as (

    select
        *,
        case
            when predicted_value is null then null
            when is_relative and predicted_value > 0 then actual_value / predicted_value - 1
            when not is_relative then actual_value - predicted_value
        end as residual
    from predictions

),

residual_centres as (

    select
        judged.kpi_id,
        judged.period_start,
        count(*) as history_periods,
        {{ scorecard_median('history.residual') }} as residual_centre
    from residuals as judged
    inner join residuals as history
        on
            judged.kpi_id = history.kpi_id
            and judged.usable_index > history.usable_index
            and history.usable_index >= judged.usable_index - {{ settings.history_periods }}
            and history.residual is not null
    group by judged.kpi_id, judged.period_start

),

residual_spreads as (

    select
        residual_centres.kpi_id,
        residual_centres.period_start,
        residual_centres.history_periods,
        residual_centres.residual_centre,
        1.4826 * {{ scorecard_median('abs(history.residual - residual_centres.residual_centre)') }}
            as residual_spread
    from residual_centres
    inner join residuals as judged
        on
            residual_centres.kpi_id = judged.kpi_id
            and residual_centres.period_start = judged.period_start
    inner join residuals as history
        on
            judged.kpi_id = history.kpi_id
            and judged.usable_index > history.usable_index
            and history.usable_index >= judged.usable_index - {{ settings.history_periods }}
            and history.residual is not null
    group by
        residual_centres.kpi_id,
        residual_centres.period_start,
        residual_centres.history_periods,
        residual_centres.residual_centre

),

spreads as (

    select
        residuals.kpi_id,
        residuals.period_start,
        residuals.predicted_value,
        residual_spreads.history_periods,
        case
            when residuals.is_relative
                then residuals.predicted_value * (1 + residual_spreads.residual_centre)
            else residuals.predicted_value + residual_spreads.residual_centre
        end as expected_value,
        case
            when residuals.is_relative
                then abs(residuals.predicted_value) * residual_spreads.residual_spread
            else residual_spreads.residual_spread
        end as history_spread,
        {{ kpi_sampling_error(
            'residuals.sampling_error', 'residuals.predicted_value', 'residuals.sample_size'
        ) }} as sampling_spread,
        residuals.frequency,
        residuals.is_relative
    from residuals
    inner join residual_spreads
        on
            residuals.kpi_id = residual_spreads.kpi_id
            and residuals.period_start = residual_spreads.period_start
    where
        residual_spreads.history_periods >= {{ settings.min_history_periods }}
        and residuals.has_seasonal_factor

),

ranges as (

    select
        kpi_id,
        period_start,
        history_periods,
        expected_value,
        is_relative,
        {{ sigmas }} * greatest(history_spread, coalesce(sampling_spread, 0)) as half_width
    from spreads

),

positions as (

    select
        usable_periods.kpi_id,
        usable_periods.period_start,
        ranges.expected_value,
        -- totals and costs (the relative units) cannot fall below zero, nor can their range
        case
            when ranges.is_relative then greatest(ranges.expected_value - ranges.half_width, 0)
            else ranges.expected_value - ranges.half_width
        end as expected_lower_value,
        ranges.expected_value + ranges.half_width as expected_upper_value,
        ranges.history_periods,
        {{ scorecard_range_position(
            'usable_periods.actual_value', 'ranges.expected_value', 'ranges.half_width'
        ) }} as range_position
    from usable_periods
    left join ranges
        on
            usable_periods.kpi_id = ranges.kpi_id
            and usable_periods.period_start = ranges.period_start

),

positions_with_prior as (

    select
        *,
        lag(range_position) over (partition by kpi_id order by period_start)
            as prior_range_position
    from positions

),

final as (

    select
        ---------- keys
        period_flags.kpi_id,
        period_flags.period_start,

        ---------- attributes
        period_flags.period_end,
        period_flags.prior_period_start,
        period_flags.is_complete_period,
        period_flags.is_partial_period,
        period_flags.is_mature_period,
        positions.kpi_id is not null as is_judged_period,
        positions.range_position,
        positions.prior_range_position,

        period_flags.no_data_reason,

        ---------- measures
        period_flags.actual_value,
        period_flags.sample_size,
        positions.expected_value,
        positions.expected_lower_value,
        positions.expected_upper_value,
        positions.history_periods
    from period_flags
    left join positions_with_prior as positions
        on
            period_flags.kpi_id = positions.kpi_id
            and period_flags.period_start = positions.period_start

)

select * from final
