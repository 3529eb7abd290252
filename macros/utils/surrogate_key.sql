{#- Hash of several columns into one key, null-safe and separator-safe: the same recipe as
    dbt_utils.generate_surrogate_key, which this project cannot install (no package hub). -#}
{% macro surrogate_key(field_list) -%}
    {%- set fields = [] -%}
    {%- for field in field_list -%}
        {%- do fields.append(
            "coalesce(" ~ dbt.cast(field, dbt.type_string()) ~ ", '_dbt_utils_surrogate_key_null_')"
        ) -%}
        {%- if not loop.last -%}
            {%- do fields.append("'-'") -%}
        {%- endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(fields)) }}
{%- endmacro %}
