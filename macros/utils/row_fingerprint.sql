{#- A hash of the values of the given expressions: two rows with equal values (nulls equal too)
    have the same fingerprint, and a value moved to another position changes it. Base models
    compare a duplicate with the row its key kept; nothing stores a fingerprint, so an engine may
    hash its own way. -#}
{% macro row_fingerprint(expressions) -%}
    {{ return(adapter.dispatch('row_fingerprint', 'elearning_kpi')(expressions)) }}
{%- endmacro %}

{#- Portable: the text of each value, null as a marker, joined by a separator so that ('ab', 'c')
    and ('a', 'bc') differ, then hashed. -#}
{% macro default__row_fingerprint(expressions) -%}
    {%- set parts = [] -%}
    {%- for expression in expressions -%}
        {%- if not loop.first -%}{%- do parts.append("'|'") -%}{%- endif -%}
        {%- do parts.append(
            "coalesce(" ~ dbt.cast(expression, dbt.type_string()) ~ ", '<null>')"
        ) -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
