{#- DuckDB: generate_series over timestamps, one per day, cast back to date. -#}
{% macro duckdb__commerce_day_series(bounds_relation, first_day_column, last_day_column) -%}
    select cast(day_series.day_ts as date) as date_day
    from {{ bounds_relation }}
    cross join generate_series(
        cast({{ bounds_relation }}.{{ first_day_column }} as timestamp),
        cast({{ bounds_relation }}.{{ last_day_column }} as timestamp),
        interval 1 day
    ) as day_series (day_ts)
{%- endmacro %}
