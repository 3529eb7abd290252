{#- first_value / last_value of a window skipping nulls (the carry-forward of a rate): the
    standard's IGNORE NULLS goes inside the call on DuckDB and is an argument on Spark. -#}
{% macro value_ignoring_nulls(function_name, expression) -%}
    {{ return(adapter.dispatch('value_ignoring_nulls', 'elearning_kpi')(function_name, expression)) }}
{%- endmacro %}

{% macro default__value_ignoring_nulls(function_name, expression) -%}
    {{ function_name }}({{ expression }} ignore nulls)
{%- endmacro %}

{% macro spark__value_ignoring_nulls(function_name, expression) -%}
    {{ function_name }}({{ expression }}, true)
{%- endmacro %}
