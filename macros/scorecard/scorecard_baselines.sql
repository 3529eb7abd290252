{#- How a KPI's expected range is learned from its own history (int_kpi_expected_ranges); the
    one place the numbers live.
    - baseline_periods: the expected value is the median of this many prior usable periods
      (robust: one incident period does not move it), seasonally adjusted.
    - history_periods: the residuals (observed vs expected) of this many prior usable periods
      give the range's centre (their median: trend the median lags behind) and its width (their
      median absolute deviation x 1.4826, a robust standard deviation).
    - min_history_periods: fewer residuals than this and the KPI is still in training: no range,
      no anomaly alert.
    - sigmas: the range is the centre +/- this many robust standard deviations (3: about 1 period
      in 370 outside by chance when the residuals are normal).
    - seasonal_neighbours: a period's seasonal index is its value over the mean of this many usable
      periods either side of it.
    - threshold_z: an off-target alert needs the value beyond the critical threshold by more than
      this many standard errors (a rate's sampling error, else the KPI's robust deviation). -#}
{% macro scorecard_baseline_settings() -%}
    {{ return({
        'baseline_periods': 3,
        'history_periods': 12,
        'min_history_periods': 6,
        'sigmas': 3,
        'seasonal_neighbours': 3,
        'threshold_z': 2,
    }) }}
{%- endmacro %}

{#- Median of an expression as an aggregate or window function. -#}
{% macro scorecard_median(expression) -%}
    {{ return(adapter.dispatch('scorecard_median', 'elearning_kpi')(expression)) }}
{%- endmacro %}

{% macro default__scorecard_median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__scorecard_median(expression) -%}
    median({{ expression }})
{%- endmacro %}

{#- Where a value lies against its expected range: below / within / above, null without a range. -#}
{% macro scorecard_range_position(actual, expected, half_width) -%}
    case
        when {{ expected }} is null or {{ half_width }} is null then null
        when {{ actual }} < {{ expected }} - {{ half_width }} then 'below'
        when {{ actual }} > {{ expected }} + {{ half_width }} then 'above'
        else 'within'
    end
{%- endmacro %}
