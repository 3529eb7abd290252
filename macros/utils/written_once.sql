{#- Wraps the CTEs a base model derives its rows with (a call block ending in the CTE `cte`), so an
    engine that would derive them again for each reader computes them once.
    DuckDB holds a CTE read more than once (`inline_cte(held_when_incremental=true)` says when), so
    the CTEs stand as written. Spark plans every reference of a CTE on its own: in an incremental
    run each reader of a base model's `fingerprinted` rows (the shared keys, both halves of the
    ranking, the batches' business times, the late flags, and three reads of `final` completing the
    partitions) scanned the raw and held tables again; there the run writes those rows first
    (`spark__written_once`). One call per model; `drop_written_once()`, its post-hook, drops them.
-#}
{% macro written_once(cte) -%}
    {{ return(adapter.dispatch('written_once', 'elearning_kpi')(cte, caller())) }}
{%- endmacro %}

{% macro default__written_once(cte, ctes) -%}
    {{ return(ctes) }}
{%- endmacro %}

{% macro drop_written_once() -%}
    {{ return(adapter.dispatch('drop_written_once', 'elearning_kpi')()) }}
{%- endmacro %}

{% macro default__drop_written_once() -%}
    {{ return('') }}
{%- endmacro %}
