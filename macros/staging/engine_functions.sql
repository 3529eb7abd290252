{#- Engine-specific building blocks of the base models (orchestration/render_staging.py renders
    calls of them), dispatched by adapter; one expression each. dbt has no cross-database macro
    for these; the DuckDB versions are in macros/duckdb/. Moving engines means adding
    `<adapter>__<name>` for each of the macros below. -#}

{#- True when the whole of text_expr matches pattern (RE2/POSIX syntax without ^ and $). -#}
{% macro regexp_full_match(text_expr, pattern) -%}
    {{ return(adapter.dispatch('regexp_full_match', 'elearning_kpi')(text_expr, pattern)) }}
{%- endmacro %}

{% macro default__regexp_full_match(text_expr, pattern) -%}
    {{ exceptions.raise_compiler_error(
        "regexp_full_match has no implementation for adapter '" ~ adapter.type()
        ~ "': add " ~ adapter.type() ~ "__regexp_full_match in macros/" ~ adapter.type() ~ "/"
    ) }}
{%- endmacro %}

{#- ISO 8601 text (offset, `Z` or naive UTC) to a timestamp without time zone in UTC; null when
    the engine cannot parse it. The caller has already checked the text's shape. -#}
{% macro text_to_utc_timestamp(text_expr) -%}
    {{ return(adapter.dispatch('text_to_utc_timestamp', 'elearning_kpi')(text_expr)) }}
{%- endmacro %}

{% macro default__text_to_utc_timestamp(text_expr) -%}
    {{ exceptions.raise_compiler_error(
        "text_to_utc_timestamp has no implementation for adapter '" ~ adapter.type()
        ~ "': add " ~ adapter.type() ~ "__text_to_utc_timestamp in macros/" ~ adapter.type() ~ "/"
    ) }}
{%- endmacro %}

{#- Text read with one strftime format (no offset in it) as a timestamp without time zone; null
    when the text does not fit the format. -#}
{% macro parse_with_format(text_expr, fmt) -%}
    {{ return(adapter.dispatch('parse_with_format', 'elearning_kpi')(text_expr, fmt)) }}
{%- endmacro %}

{% macro default__parse_with_format(text_expr, fmt) -%}
    {{ exceptions.raise_compiler_error(
        "parse_with_format has no implementation for adapter '" ~ adapter.type()
        ~ "': add " ~ adapter.type() ~ "__parse_with_format in macros/" ~ adapter.type() ~ "/"
    ) }}
{%- endmacro %}

{#- Text read with a strftime format that has an offset (%z): the instant as a UTC timestamp
    without time zone; null when the text does not fit. -#}
{% macro parse_with_offset_format(text_expr, fmt) -%}
    {{ return(adapter.dispatch('parse_with_offset_format', 'elearning_kpi')(text_expr, fmt)) }}
{%- endmacro %}

{% macro default__parse_with_offset_format(text_expr, fmt) -%}
    {{ exceptions.raise_compiler_error(
        "parse_with_offset_format has no implementation for adapter '" ~ adapter.type()
        ~ "': add " ~ adapter.type() ~ "__parse_with_offset_format in macros/" ~ adapter.type() ~ "/"
    ) }}
{%- endmacro %}

{#- A wall-clock timestamp of the IANA time zone `timezone` as the UTC timestamp of that instant. -#}
{% macro local_to_utc(timestamp_expr, timezone) -%}
    {{ return(adapter.dispatch('local_to_utc', 'elearning_kpi')(timestamp_expr, timezone)) }}
{%- endmacro %}

{% macro default__local_to_utc(timestamp_expr, timezone) -%}
    {{ exceptions.raise_compiler_error(
        "local_to_utc has no implementation for adapter '" ~ adapter.type()
        ~ "': add " ~ adapter.type() ~ "__local_to_utc in macros/" ~ adapter.type() ~ "/"
    ) }}
{%- endmacro %}

{#- Decimal text (its shape already checked) to dbt's numeric type; null when it does not fit. -#}
{% macro text_to_decimal(text_expr) -%}
    {{ return(adapter.dispatch('text_to_decimal', 'elearning_kpi')(text_expr)) }}
{%- endmacro %}

{% macro default__text_to_decimal(text_expr) -%}
    {{ dbt.safe_cast(text_expr, dbt.type_numeric()) }}
{%- endmacro %}

{#- Landed text without the spaces around it, null when nothing is left: how every base model
    reads a landed value. The engine's own trim decides what a space is (DuckDB: the Unicode
    space separators; Spark: ' ' alone); an engine may only make it cheaper. -#}
{% macro trimmed_text(text_expr) -%}
    {{ return(adapter.dispatch('trimmed_text', 'elearning_kpi')(text_expr)) }}
{%- endmacro %}

{% macro default__trimmed_text(text_expr) -%}
    nullif(trim({{ text_expr }}), '')
{%- endmacro %}
