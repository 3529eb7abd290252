{#- Hours of the clock from one timestamp to a later one, to the second (null when either is
    null), through dbt's cross-database datediff. -#}
{% macro hours_between(start_timestamp, end_timestamp) -%}
    ({{ dbt.datediff(start_timestamp, end_timestamp, 'second') }}) / 3600.0
{%- endmacro %}
