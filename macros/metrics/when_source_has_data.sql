{#- `value` when its source has data (staged_rows from int_source_coverage), else null: an
    export without the source must read "no data", never zero. A source with rows covers every
    period, since a period without its events is a real zero (no refunds that month). -#}
{% macro when_source_has_data(value, staged_rows) -%}
    case when {{ staged_rows }} > 0 then {{ value }} end
{%- endmacro %}
