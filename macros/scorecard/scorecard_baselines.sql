{#- How a KPI's expected range is learned from its own history (scorecard_kpi_expected_ranges); the
    one place the numbers live.
    - baseline_periods: the expected value is the median of this many prior usable periods
      (robust: one incident period does not move it), seasonally adjusted.
    - history_periods: the residuals (observed vs expected) of this many prior usable periods
      give the range's centre (their median: trend the median lags behind) and its width (their
      median absolute deviation x 1.4826, a robust standard deviation).
    - min_history_periods: fewer residuals than this and the KPI is still in training: no range,
      no anomaly alert.
    - sigmas: the range is the centre +/- this many robust standard deviations: 3 for a monthly KPI
      (about 1 period in 370 outside by chance when the residuals are normal); a daily or weekly
      KPI is judged 30 or 4.3 times a month, so its limit is wider (Bonferroni: z for 0.27% / 30.4
      and / 4.35) and every KPI has the same chance of a false alarm a month, whatever its
      frequency (a quarterly KPI keeps 3: never narrower than a monthly one).
    - threshold_z: an off-target alert needs the value beyond the critical threshold by more than
      this many standard errors (a rate's sampling error, else the KPI's robust deviation): 2 for
      a monthly KPI (one-sided 2.3%), for daily and weekly KPIs the same rate a month as above.
    sigmas and threshold_z are by frequency: scorecard_by_frequency() makes them a column. -#}
{% macro scorecard_baseline_settings() -%}
    {{ return({
        'baseline_periods': 3,
        'history_periods': 12,
        'min_history_periods': 6,
        'sigmas': {'daily': 3.92, 'weekly': 3.42, 'monthly': 3, 'quarterly': 3},
        'threshold_z': {'daily': 3.18, 'weekly': 2.56, 'monthly': 2, 'quarterly': 2},
    }) }}
{%- endmacro %}

{#- A setting by frequency (a dict of scorecard_baseline_settings()) for the KPI's frequency. -#}
{% macro scorecard_by_frequency(values, frequency) -%}
    case {{ frequency }}
        {%- for name, value in values.items() %}
        when '{{ name }}' then {{ value }}
        {%- endfor %}
    end
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

{#- The standard error of a KPI's value from its sample alone (catalog sampling_error): what a
    value varies by chance with n, whatever the KPI's history. Null without a model or a sample. -#}
{% macro kpi_sampling_error(sampling_error, value, sample_size) -%}
    case
        when {{ sample_size }} is null or {{ sample_size }} <= 0 then null
        when {{ sampling_error }} = 'binomial'
            then sqrt(
                    least(greatest({{ value }}, 0), 1)
                    * (1 - least(greatest({{ value }}, 0), 1))
                    / {{ sample_size }}
                )
        when {{ sampling_error }} = 'poisson' then abs({{ value }}) / sqrt({{ sample_size }})
        when {{ sampling_error }} = 'net_score'
            then 100 * sqrt(
                    (1 - power(least(abs({{ value }}) / 100, 1), 2)) / {{ sample_size }}
                )
    end
{%- endmacro %}
