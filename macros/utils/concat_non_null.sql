{#- Joins the non-null expressions with separator; null when all of them are null.
    concat_ws skips nulls on DuckDB, Postgres, Snowflake, Databricks and MySQL; engines without
    it (BigQuery, Redshift) get their own `<adapter>__concat_non_null`. -#}
{% macro concat_non_null(expressions, separator) -%}
    {{ return(adapter.dispatch('concat_non_null', 'elearning_kpi')(expressions, separator)) }}
{%- endmacro %}

{% macro default__concat_non_null(expressions, separator) -%}
    nullif(concat_ws(
            {{ dbt.string_literal(separator) }},
            {{ expressions | join(',\n            ') }}
        ), '')
{%- endmacro %}
