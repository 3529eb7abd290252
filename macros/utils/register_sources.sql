{#- Make the declared sources readable before any model runs. On DuckDB landing writes them as
    tables of the warehouse: nothing to do. On Spark they are Parquet files (macros/spark/). -#}
{% macro register_sources() -%}
    {{ return(adapter.dispatch('register_sources', 'elearning_kpi')()) }}
{%- endmacro %}

{% macro default__register_sources() -%}
{%- endmacro %}
