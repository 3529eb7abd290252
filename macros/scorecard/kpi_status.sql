{#- Status of a KPI value against its catalog thresholds; the one place the rule lives.
    - higher_is_better: red when actual < critical_threshold, yellow when actual <
      warning_threshold, blue (an opportunity) when actual >= target + |target| x blue_margin_rate,
      else green.
    - lower_is_better: the mirror image: red when actual > critical, yellow when actual > warning,
      blue when actual <= target - |target| x blue_margin_rate, else green.
    - A value exactly at a threshold is not a breach (the references say "churn above 8%",
      "NPS below 50"): at the critical threshold the status is yellow (if beyond the warning
      threshold), at the warning threshold green.
    - A null threshold is not checked; with no target (or no margin) there is no blue; with no
      target and no thresholds the status is green (nothing to breach). A null actual gives a
      null status (no data).
    Status does not depend on the prior period. -#}
{% macro kpi_status(actual, target, warning, critical, direction, blue_margin) -%}
    case
        when {{ actual }} is null then null
        when {{ direction }} = 'lower_is_better' then
            case
                when {{ critical }} is not null and {{ actual }} > {{ critical }} then 'red'
                when {{ warning }} is not null and {{ actual }} > {{ warning }} then 'yellow'
                when {{ target }} is not null and {{ blue_margin }} is not null
                    and {{ actual }} <= {{ target }} - abs({{ target }}) * {{ blue_margin }} then 'blue'
                else 'green'
            end
        else
            case
                when {{ critical }} is not null and {{ actual }} < {{ critical }} then 'red'
                when {{ warning }} is not null and {{ actual }} < {{ warning }} then 'yellow'
                when {{ target }} is not null and {{ blue_margin }} is not null
                    and {{ actual }} >= {{ target }} + abs({{ target }}) * {{ blue_margin }} then 'blue'
                else 'green'
            end
    end
{%- endmacro %}

{#- Trend of a KPI against its prior period: up / down, or flat when the change is within 1% of
    the prior value's magnitude (or exactly zero); null without a prior value. -#}
{% macro kpi_trend_direction(change, prior) -%}
    case
        when {{ change }} is null then null
        when abs({{ change }}) <= 0.01 * abs({{ prior }}) then 'flat'
        when {{ change }} > 0 then 'up'
        else 'down'
    end
{%- endmacro %}
