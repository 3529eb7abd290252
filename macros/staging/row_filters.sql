{#- Which base-model rows each staging model keeps. Every base row is in exactly one of: the stg
    model, the quarantine model, or the duplicates (counted by staging_row_accounting). -#}
{% macro is_staged_row() -%}
    (_dq_reason is null and not _is_duplicate)
{%- endmacro %}

{% macro is_quarantined_row() -%}
    (_dq_reason is not null)
{%- endmacro %}
