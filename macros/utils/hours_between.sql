{#- Hours of the clock from one timestamp to a later one, to the second (null when either is
    null), through dbt's cross-database datediff. Divided by a double: `/ 3600.0` is a decimal
    division on Spark, rounded to 6 decimals (a double on DuckDB either way). -#}
{% macro hours_between(start_timestamp, end_timestamp) -%}
    ({{ dbt.datediff(start_timestamp, end_timestamp, 'second') }})
    / cast(3600 as {{ dbt.type_float() }})
{%- endmacro %}
