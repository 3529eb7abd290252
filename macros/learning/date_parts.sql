{#- A date part as a number. dbt-core ships no cross-database date_part (dbt_utils has one; this
    project cannot install packages). The default is ANSI `extract`, which DuckDB and Postgres
    read with the part names used here (year, quarter, month, week = ISO week, isoyear, day, doy,
    isodow = 1 Monday ... 7 Sunday, hour). An engine with other part names adds
    `<adapter>__learning_date_part`. -#}
{% macro learning_date_part(datepart, date_expr) -%}
    {{ return(adapter.dispatch('learning_date_part', 'elearning_kpi')(datepart, date_expr)) }}
{%- endmacro %}

{% macro default__learning_date_part(datepart, date_expr) -%}
    extract({{ datepart }} from {{ date_expr }})
{%- endmacro %}
