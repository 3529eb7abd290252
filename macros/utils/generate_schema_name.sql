{#- BI tools read stable schema names: a model's custom schema is used as-is (raw, staging,
    intermediate, marts), never prefixed with the target schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
