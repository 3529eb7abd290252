{#- DuckDB: generate_series over months returns a list of timestamps; unnest fans it out. -#}
{% macro duckdb__marketing_month_series(start_expr, end_expr) -%}
    cast(unnest(generate_series(
        date_trunc('month', {{ start_expr }}),
        date_trunc('month', {{ end_expr }}),
        interval 1 month
    )) as date)
{%- endmacro %}
