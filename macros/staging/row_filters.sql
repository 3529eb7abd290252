{#- Which base-model rows each staging model keeps. Every base row is in exactly one of: the stg
    model, the quarantine model, or the duplicates. stg_<source>__row_accounting counts each on
    the base model (int_row_accounting unions them); the row_count_matches_base test holds the stg
    and quarantine models to those counts. -#}
{% macro is_staged_row() -%}
    (_dq_reason is null and not _is_duplicate)
{%- endmacro %}

{% macro is_quarantined_row() -%}
    (_dq_reason is not null)
{%- endmacro %}
