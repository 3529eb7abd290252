{#- A hash of the values of the given expressions: two rows with equal values (nulls equal too)
    have the same fingerprint. Text of each value, null as a marker no value casts to, joined by
    a separator so that ('ab', 'c') and ('a', 'bc') differ. -#}
{% macro row_fingerprint(expressions) -%}
    {%- set parts = [] -%}
    {%- for expression in expressions -%}
        {%- if not loop.first -%}{%- do parts.append("'|'") -%}{%- endif -%}
        {%- do parts.append(
            "coalesce(" ~ dbt.cast(expression, dbt.type_string()) ~ ", '<null>')"
        ) -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
