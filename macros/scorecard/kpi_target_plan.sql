{#- The KPI template's target plan (kpi-tracking-framework.md: baseline, then 30-day, 90-day and
    1-year targets). One expression each, shared by kpi_scorecard and its unit tests. -#}

{#- Which interim target is in force for a period starting `period_start` of a plan starting
    `target_start`: 30 (the period starts in the plan's first 30 days), 90 (days 31-90) or 365
    (from day 91 on; the yearly target stays in force after the year until a new plan starts);
    null for a period starting before the plan. -#}
{% macro kpi_interim_target_days(period_start, target_start) -%}
    {%- set days_in = dbt.datediff(target_start, period_start, 'day') -%}
    case
        when {{ target_start }} is null or {{ period_start }} < {{ target_start }} then null
        when {{ days_in }} < 30 then 30
        when {{ days_in }} < 90 then 90
        else 365
    end
{%- endmacro %}

{#- Whether `actual` meets `target` in the KPI's direction (a value exactly at it meets it); null
    without either. -#}
{% macro kpi_meets(actual, target, direction) -%}
    {%- set sign = "(case when " ~ direction ~ " = 'lower_is_better' then -1 else 1 end)" -%}
    case
        when {{ actual }} is null or {{ target }} is null then null
        else {{ sign }} * {{ actual }} >= {{ sign }} * {{ target }}
    end
{%- endmacro %}

{#- How far from the baseline to the yearly target the KPI has come, as a fraction: 0 at the
    baseline, 1 at the target, above 1 beyond it, below 0 worse than the baseline (never capped).
    (actual - baseline) / (target - baseline) reads the same for both directions: a lower-is-
    better KPI's gap is negative and so is its improvement. When the baseline already meets the
    target (no gap to close, baseline equal to the target included) progress is 1 while the KPI
    still meets the target and 0 once it falls short. Null without a value, baseline or target. -#}
{% macro kpi_target_progress(actual, baseline, target, direction) -%}
    {%- set sign = "(case when " ~ direction ~ " = 'lower_is_better' then -1 else 1 end)" -%}
    case
        when {{ actual }} is null or {{ baseline }} is null or {{ target }} is null then null
        when {{ sign }} * ({{ target }} - {{ baseline }}) <= 0
            then
                case
                    when {{ sign }} * {{ actual }} >= {{ sign }} * {{ target }} then 1.0
                    else 0.0
                end
        else ({{ actual }} - {{ baseline }}) / ({{ target }} - {{ baseline }})
    end
{%- endmacro %}

{#- The value of the interim target in force (kpi_interim_target_days): the template's 30-day or
    90-day target, or the yearly target (the catalog's target) from day 91 on. -#}
{% macro kpi_interim_target_value(plan_days, target_30_days, target_90_days, target) -%}
    case {{ plan_days }}
        when 30 then {{ target_30_days }}
        when 90 then {{ target_90_days }}
        when 365 then {{ target }}
    end
{%- endmacro %}
