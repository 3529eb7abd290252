{#- Regular expressions have no dbt cross-database macro. The dispatchers live in
    macros/staging/engine_functions.sql; these are the DuckDB implementations (RE2 syntax). -#}

{% macro duckdb__regexp_full_match(text_expr, pattern) -%}
    regexp_full_match({{ text_expr }}, {{ dbt.string_literal(pattern) }})
{%- endmacro %}
