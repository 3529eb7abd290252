{#- One row per day from the first_day to the last_day column of a one-row relation (both dates,
    inclusive), as `date_day`: the project's one day spine (int_exchange_rates_daily, dim_dates).
    dbt has no cross-database date spine that works without a built warehouse; the DuckDB
    version is in macros/duckdb/commerce_day_series.sql. -#}
{% macro commerce_day_series(bounds_relation, first_day_column, last_day_column) -%}
    {{ return(adapter.dispatch('commerce_day_series', 'elearning_kpi')(
        bounds_relation, first_day_column, last_day_column
    )) }}
{%- endmacro %}

{% macro default__commerce_day_series(bounds_relation, first_day_column, last_day_column) -%}
    {{ exceptions.raise_compiler_error(
        "commerce_day_series has no implementation for adapter '" ~ adapter.type()
        ~ "': add " ~ adapter.type() ~ "__commerce_day_series in macros/" ~ adapter.type() ~ "/"
    ) }}
{%- endmacro %}
