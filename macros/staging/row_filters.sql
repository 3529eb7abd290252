{#- Which base-model rows each staging model keeps. Every base row is in exactly one of: the stg
    model, the quarantine model, or the duplicates. stg_<source>__row_accounting counts each on
    the base model (int_row_accounting unions them); the row_count_matches_base test holds the stg
    and quarantine models to those counts. -#}
{#- `relation`: the alias whose columns it reads, where a query reads more than one base row. -#}
{% macro is_staged_row(relation=none) -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    ({{ prefix }}_dq_reason is null and not {{ prefix }}_is_duplicate)
{%- endmacro %}

{% macro is_quarantined_row() -%}
    (_dq_reason is not null)
{%- endmacro %}

{#- A post-hook of an incremental quarantine model: drop the rows held whose row in `base` is no
    longer quarantined (or gone). Only the quarantined rows of `base` are read. On Spark, where the
    model is partitioned by landing run and a run rewrites the partitions it writes whole, the
    partitions left without a quarantined row of `base` are dropped. -#}
{% macro delete_rows_no_longer_quarantined(base) -%}
    {{ return(adapter.dispatch('delete_rows_no_longer_quarantined', 'elearning_kpi')(base)) }}
{%- endmacro %}

{% macro default__delete_rows_no_longer_quarantined(base) -%}
delete from {{ this }} as held
where
    not exists (
        select 1
        from {{ base }} as base_rows
        where
            {{ is_quarantined_row() }}
            and base_rows._batch_id = held._batch_id
            and base_rows._row_number = held._row_number
    )
{%- endmacro %}
