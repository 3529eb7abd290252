{#- Placed between a CTE's `as` and its body: asks the engine to compute the CTE again for each
    query that reads it rather than hold its rows for them. For a CTE that only scans a table and
    transforms it row by row, holding 25M typed rows costs more (memory, then disk) than typing
    them again. -#}
{% macro inline_cte() -%}
    {{ return(adapter.dispatch('inline_cte', 'elearning_kpi')()) }}
{%- endmacro %}

{#- Engines that plan each reference of a CTE on its own (Spark inlines a deterministic CTE) need
    no hint, and most have no syntax for one. -#}
{% macro default__inline_cte() -%}
{%- endmacro %}
