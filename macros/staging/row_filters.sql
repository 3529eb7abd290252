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

{#- An incremental stg model's pre-hook, in an incremental run: drop the held rows its base model
    wrote again since the stg model's last run (a newer delivery won their key, their parent link
    or late flag changed). The model then appends the staged rows written since, so it stays
    exactly the staged rows of its base model. -#}
{% macro delete_rows_written_again(base_model) -%}
{#- a row-value IN, not a correlated EXISTS: DuckDB hashes the few rows written again and probes
    the held rows with it, where EXISTS joined every held row (0.001 s against 1.4 s with none
    written again, 1.0 against 3.0 s with all, on 6.2M sessions) -#}
delete from {{ this }}
where
    (_batch_id, _row_number) in (
        select
            base._batch_id,
            base._row_number
        from {{ base_model }} as base
        where {{ written_since_last_run('base._written_at') }}
    )
{%- endmacro %}
