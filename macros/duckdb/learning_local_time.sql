{#- timezone('UTC', ts) reads the naive UTC timestamp as an instant (timestamptz); timezone(zone,
    instant) gives the wall-clock time in zone, daylight saving included (ICU). Neither step
    depends on the session TimeZone setting. -#}
{% macro duckdb__learning_to_local_timestamp(utc_timestamp, time_zone) -%}
    timezone({{ time_zone }}, timezone('UTC', {{ utc_timestamp }}))
{%- endmacro %}
