{#- Casts trimmed landing text to its contract type; null when the text is not a well-formed
    value of that type.

    The shape is checked with a pattern before casting because casts are lenient: DuckDB turns
    '12.5' into the integer 13, '0x1F' into 31, 'epoch' into a timestamp and '2026-3-1' into a
    date. The cast itself is still a safe cast, for values of the right shape that do not exist
    ('2026-02-30') or overflow. -#}
{% macro cast_contract_value(text_expr, column) %}
    {%- set patterns = {
        'integer': '-?[0-9]+',
        'decimal': '-?[0-9]+([.][0-9]+)?',
        'double': '-?[0-9]+([.][0-9]+)?([eE][+-]?[0-9]+)?',
        'date': '[0-9]{4}-[0-9]{2}-[0-9]{2}',
        'timestamp': '[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?'
            ~ '([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)?',
    } -%}
    {%- set target_types = {
        'integer': dbt.type_bigint(),
        'decimal': dbt.type_numeric(),
        'double': dbt.type_float(),
        'date': api.Column.translate_type('date'),
    } -%}

    {%- if column.type == 'text' and column.accepted_values -%}
        {#- Enums compare in the case the contract writes them in (currency codes upper,
            everything else lower), so 'Paid ' and 'usd' are accepted as 'paid' and 'USD'. -#}
        {%- if column.accepted_values | map('upper') | list == column.accepted_values -%}
            upper({{ text_expr }})
        {%- elif column.accepted_values | map('lower') | list == column.accepted_values -%}
            lower({{ text_expr }})
        {%- else -%}
            {{ text_expr }}
        {%- endif -%}
    {%- elif column.type == 'text' -%}
        {{ text_expr }}
    {%- elif column.type == 'boolean' -%}
        case lower({{ text_expr }}) when 'true' then true when 'false' then false end
    {%- elif column.type == 'timestamp' -%}
        case
            when {{ regexp_full_match(text_expr, patterns['timestamp']) }}
                then {{ text_to_utc_timestamp(text_expr) }}
        end
    {%- elif column.type in target_types -%}
        case
            when {{ regexp_full_match(text_expr, patterns[column.type]) }}
                then {{ dbt.safe_cast(text_expr, target_types[column.type]) }}
        end
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "cast_contract_value: unknown contract type '" ~ column.type ~ "' of " ~ column.name
        ) }}
    {%- endif -%}
{% endmacro %}
