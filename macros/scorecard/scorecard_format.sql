{#- Text of a KPI value for alert messages, by its catalog unit: usd -> $1,234; rate -> 12.3%;
    ratio / score / count -> the number (1 decimal, counts whole). -#}
{% macro scorecard_format_value(value, unit) -%}
    {{ return(adapter.dispatch('scorecard_format_value', 'elearning_kpi')(value, unit)) }}
{%- endmacro %}

{% macro default__scorecard_format_value(value, unit) -%}
    case
        when {{ value }} is null then 'n/a'
        when {{ unit }} = 'usd' then '$' || cast(round({{ value }}, 0) as {{ dbt.type_string() }})
        when {{ unit }} = 'rate'
            then cast(round({{ value }} * 100, 1) as {{ dbt.type_string() }}) || '%'
        else cast(round({{ value }}, 1) as {{ dbt.type_string() }})
    end
{%- endmacro %}

{% macro duckdb__scorecard_format_value(value, unit) -%}
    case
        when {{ value }} is null then 'n/a'
        when {{ unit }} = 'usd' then '$' || format('{:,.0f}', {{ value }})
        when {{ unit }} = 'rate' then format('{:.1f}', {{ value }} * 100) || '%'
        when {{ unit }} = 'count' then format('{:,.0f}', {{ value }})
        else format('{:,.1f}', {{ value }})
    end
{%- endmacro %}

{#- Text of a period for alert messages: Q4 2026, October 2026, week of 2026-10-05, 2026-10-05. -#}
{% macro scorecard_format_period(period_start, frequency) -%}
    {{ return(adapter.dispatch('scorecard_format_period', 'elearning_kpi')(period_start, frequency)) }}
{%- endmacro %}

{% macro default__scorecard_format_period(period_start, frequency) -%}
    case {{ frequency }}
        when 'quarterly'
            then 'Q' || cast(extract(quarter from {{ period_start }}) as {{ dbt.type_string() }})
                || ' ' || cast(extract(year from {{ period_start }}) as {{ dbt.type_string() }})
        when 'weekly' then 'the week of ' || cast({{ period_start }} as {{ dbt.type_string() }})
        else cast({{ period_start }} as {{ dbt.type_string() }})
    end
{%- endmacro %}

{% macro duckdb__scorecard_format_period(period_start, frequency) -%}
    case {{ frequency }}
        when 'quarterly'
            then 'Q' || quarter({{ period_start }}) || strftime({{ period_start }}, ' %Y')
        when 'monthly' then strftime({{ period_start }}, '%B %Y')
        when 'weekly' then 'the week of ' || strftime({{ period_start }}, '%Y-%m-%d')
        else strftime({{ period_start }}, '%Y-%m-%d')
    end
{%- endmacro %}
