{#- Status of a KPI value against its catalog target and thresholds; the one place the rule
    lives, and the one vocabulary every surface (terminal, reports, dashboards, alerts) shows:
    - off_target: beyond the critical threshold (below it for higher_is_better, above it for
      lower_is_better);
    - at_risk: misses the target, or beyond the warning threshold, but not beyond the critical one;
    - on_target: meets the target (a value exactly at it meets it);
    - beating_target: beats the target by more than blue_margin_rate x |target|;
    - untargeted: the catalog gives no target and no threshold is breached (tracked for its trend
      and expected range only);
    - no_data: the source has no value for the period (never zero, never "target met").
    A value exactly at a threshold is not a breach (the references say "churn above 8%", "NPS
    below 50"). Status does not depend on the prior period. The scorecard shows provisional
    instead for a period that is not final (in progress, cohort not mature, data starting
    inside it). -#}
{% macro kpi_status(actual, target, warning, critical, direction, blue_margin) -%}
    {%- set sign = "(case when " ~ direction ~ " = 'lower_is_better' then -1 else 1 end)" -%}
    case
        when {{ actual }} is null then 'no_data'
        when {{ critical }} is not null and {{ sign }} * {{ actual }} < {{ sign }} * {{ critical }}
            then 'off_target'
        when {{ target }} is not null and {{ blue_margin }} is not null
            and {{ sign }} * {{ actual }}
            >= {{ sign }} * {{ target }} + abs({{ target }}) * {{ blue_margin }}
            then 'beating_target'
        when {{ warning }} is not null and {{ sign }} * {{ actual }} < {{ sign }} * {{ warning }}
            then 'at_risk'
        when {{ target }} is not null and {{ sign }} * {{ actual }} < {{ sign }} * {{ target }}
            then 'at_risk'
        when {{ target }} is not null then 'on_target'
        else 'untargeted'
    end
{%- endmacro %}

{% macro kpi_trend_direction(change, prior) -%}
    case
        when {{ change }} is null then null
        when abs({{ change }}) <= 0.01 * abs({{ prior }}) then 'flat'
        when {{ change }} > 0 then 'up'
        else 'down'
    end
{%- endmacro %}
