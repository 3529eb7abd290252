{#- The shapes a landed text must have before it is cast to its contract type: casts are lenient
    (DuckDB reads '12.5' as the integer 13, '0x1F' as 31, '2026-3-1' as a date and 'epoch' as a
    timestamp), so the base models check the shape first and cast only a text that has it. Each is
    true when the whole text has the shape. -#}

{#- An integer: digits, an optional minus. -#}
{% macro is_integer_text(text_expr) -%}
    {{ regexp_full_match(text_expr, '-?[0-9]+') }}
{%- endmacro %}

{#- A decimal: an integer with an optional fraction after a point. -#}
{% macro is_decimal_text(text_expr) -%}
    {{ regexp_full_match(text_expr, '-?[0-9]+([.][0-9]+)?') }}
{%- endmacro %}

{#- A double: a decimal with an optional exponent. -#}
{% macro is_double_text(text_expr) -%}
    {{ regexp_full_match(text_expr, '-?[0-9]+([.][0-9]+)?([eE][+-]?[0-9]+)?') }}
{%- endmacro %}

{#- An ISO 8601 date, the contract's own format: YYYY-MM-DD. -#}
{% macro is_iso8601_date(text_expr) -%}
    {{ regexp_full_match(text_expr, '[0-9]{4}-[0-9]{2}-[0-9]{2}') }}
{%- endmacro %}

{#- An ISO 8601 date, or a date and a time (`T` or a space between) with optional seconds,
    fraction of a second and offset or `Z`. -#}
{% macro is_iso8601_timestamp(text_expr) -%}
    {{ regexp_full_match(
        text_expr,
        '[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?'
        ~ '([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)?)?'
    ) }}
{%- endmacro %}

{#- A time with its offset or `Z`: an instant, whatever the source's time zone. -#}
{% macro has_utc_offset(text_expr) -%}
    {{ regexp_full_match(text_expr, '.*[T ][0-9]{2}:[0-9]{2}.*([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)') }}
{%- endmacro %}
