{#- A Python string as a SQL string literal, single quotes escaped. -#}
{% macro quoted_text(value) -%}
    {{ dbt.string_literal(dbt.escape_single_quotes(value | string)) }}
{%- endmacro %}
