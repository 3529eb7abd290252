{#- Whether a session that started at `started_at` touched an order placed at `ordered_at`: it
    started at most var('attribution_window_days') days before the order, and not after it. -#}
{% macro in_attribution_window(ordered_at, started_at) -%}
    {{ ordered_at }} >= {{ started_at }}
    and {{ dbt.dateadd('day', -var('attribution_window_days'), ordered_at) }} <= {{ started_at }}
{%- endmacro %}
