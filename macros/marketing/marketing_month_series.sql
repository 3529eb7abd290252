{#- One row per first-of-month date from the month of start_expr to the month of end_expr, both
    included, for each input row: used in a select list (`... as month_start`). dbt has no
    cross-database macro that fans a row out into a series; the DuckDB version is in
    macros/duckdb/marketing_month_series.sql. -#}
{% macro marketing_month_series(start_expr, end_expr) -%}
    {{ return(adapter.dispatch('marketing_month_series', 'elearning_kpi')(start_expr, end_expr)) }}
{%- endmacro %}

{% macro default__marketing_month_series(start_expr, end_expr) -%}
    {{ exceptions.raise_compiler_error(
        "marketing_month_series has no implementation for adapter '" ~ adapter.type()
        ~ "': add " ~ adapter.type() ~ "__marketing_month_series in macros/" ~ adapter.type() ~ "/"
    ) }}
{%- endmacro %}
