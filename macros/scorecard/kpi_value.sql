{#- One KPI's values for scorecard_kpi_values' union: (kpi_id, period_start, actual_value,
    sample_size) from `relation`, an import CTE of that model, one row per period; for a model
    holding several KPIs (manual_kpi_values), kpi_column names the column to pick this one by. -#}
{% macro kpi_value(
    kpi_id, relation, value_column, sample_column=none, period_column='month_start', kpi_column=none
) -%}
    {%- set kpi_filter = " and " ~ kpi_column ~ " = '" ~ kpi_id ~ "'" if kpi_column else "" %}
    select
        '{{ kpi_id }}' as kpi_id,
        cast({{ period_column }} as date) as period_start,
        cast({{ value_column }} as {{ dbt.type_float() }}) as actual_value,
        cast({{ sample_column or 'null' }} as {{ dbt.type_float() }}) as sample_size
    from {{ relation }}
    where {{ period_column }} is not null{{ kpi_filter }}
{%- endmacro %}
