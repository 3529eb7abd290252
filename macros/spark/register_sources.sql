{#- Each source table as an external Parquet table over `<SPARK_SOURCES_DIR>/<schema>/<table>/`
    (written by `python -m orchestration.spark export`), dropped and created again each run so
    its columns follow the files. A source with no folder (audit before the first validation) is
    left unregistered, as it does not exist on DuckDB either. Dropping an external table keeps
    its files. -#}
{% macro spark__register_sources() -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set root = env_var('SPARK_SOURCES_DIR', 'data/spark/sources') | replace('\\', '/') -%}
    {%- set exported = spark_exported_sources(root) -%}
    {%- for source in graph.sources.values() | sort(attribute='unique_id') -%}
        {%- set folder = source.schema ~ '/' ~ source.identifier -%}
        {%- if folder in exported -%}
            {%- set schema_name = adapter.quote(source.schema) -%}
            {%- set table = schema_name ~ '.' ~ adapter.quote(source.identifier) -%}
            {%- do run_query('create database if not exists ' ~ schema_name) -%}
            {%- do run_query('drop table if exists ' ~ table) -%}
            {%- do run_query(
                'create table ' ~ table ~ ' using parquet location ' ~ quoted_text(root ~ '/' ~ folder)
            ) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}

{#- The `<schema>/<table>` folders the export wrote, from its listing file. -#}
{% macro spark_exported_sources(root) -%}
    {%- set listing = root ~ '/exported_sources.txt' -%}
    {%- set result = run_query('select value from text.' ~ adapter.quote(listing)) -%}
    {{ return(result.columns[0].values() | list) }}
{%- endmacro %}
