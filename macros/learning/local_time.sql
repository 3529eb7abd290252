{#- Wall-clock time in an IANA time zone of a naive UTC timestamp, as a naive timestamp: what the
    student's own clock showed. Time-zone conversion has no dbt cross-database macro; the DuckDB
    version is in macros/duckdb/learning_local_time.sql. Another engine adds
    `<adapter>__learning_to_local_timestamp`. -#}
{% macro learning_to_local_timestamp(utc_timestamp, time_zone) -%}
    {{ return(adapter.dispatch('learning_to_local_timestamp', 'elearning_kpi')(utc_timestamp, time_zone)) }}
{%- endmacro %}

{% macro default__learning_to_local_timestamp(utc_timestamp, time_zone) -%}
    {{ exceptions.raise_compiler_error(
        "learning_to_local_timestamp has no implementation for adapter '" ~ adapter.type()
        ~ "': add " ~ adapter.type() ~ "__learning_to_local_timestamp in macros/"
        ~ adapter.type() ~ "/"
    ) }}
{%- endmacro %}
