{#- Placed between a CTE's `as` and its body: asks the engine to compute the CTE again for each
    query that reads it rather than hold its rows for them. For a CTE that only scans a table and
    transforms it row by row, holding 25M typed rows costs more (memory, then disk) than typing
    them again. The same for an import CTE (`select *` of a model) read more than once: DuckDB
    would copy the whole table for its readers, where each reader's own scan reads only its columns
    and rows (fct_order_touchpoints copying fct_sessions spilled 12 GiB at scale 5 in a one-day
    refresh).
    `held_when_incremental`: in an incremental run, where the CTE's rows are the few a run derives,
    hold them instead: each reader deriving them again re-reads the raw and held tables its chain
    starts from. -#}
{% macro inline_cte(held_when_incremental=false) -%}
    {{ return(adapter.dispatch('inline_cte', 'elearning_kpi')(held_when_incremental and is_incremental())) }}
{%- endmacro %}

{#- Engines that plan each reference of a CTE on its own (Spark inlines a deterministic CTE) need
    no hint, and most have no syntax for one. -#}
{% macro default__inline_cte(held) -%}
{%- endmacro %}
