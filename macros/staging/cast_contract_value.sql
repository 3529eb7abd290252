{#- Casts trimmed landing text to its contract type; null when the text is not a well-formed
    value of that type (or, for a timestamp or date, is ambiguous under the declared formats).

    The shape is checked with a pattern before casting because casts are lenient: DuckDB turns
    '12.5' into the integer 13, '0x1F' into 31, 'epoch' into a timestamp and '2026-3-1' into a
    date. The cast itself is still a safe cast, for values of the right shape that do not exist
    ('2026-02-30') or overflow. What the source mapping declares applies here: value synonyms
    (`values`), timestamp formats tried in order (`formats`, `iso8601` being the contract's own),
    the time zone of timestamps without an offset. -#}
{% macro cast_contract_value(text_expr, column) %}
    {%- set patterns = {
        'integer': '-?[0-9]+',
        'decimal': '-?[0-9]+([.][0-9]+)?',
        'double': '-?[0-9]+([.][0-9]+)?([eE][+-]?[0-9]+)?',
        'date': '[0-9]{4}-[0-9]{2}-[0-9]{2}',
    } -%}
    {%- set target_types = {
        'integer': dbt.type_bigint(),
        'decimal': dbt.type_numeric(),
        'double': dbt.type_float(),
        'date': api.Column.translate_type('date'),
    } -%}

    {%- if column.type == 'key' -%}
        {#- Identifiers are any text, compared exactly: `C0001`, a UUID, `42`. -#}
        {{ text_expr }}
    {%- elif column.type == 'text' -%}
        {%- set folded = text_expr -%}
        {#- Enums compare in the case the contract writes them in (currency codes upper,
            everything else lower), so 'Paid ' and 'usd' are accepted as 'paid' and 'USD'. -#}
        {%- if column.accepted_values and column.accepted_values | map('upper') | list == column.accepted_values -%}
            {%- set folded = 'upper(' ~ text_expr ~ ')' -%}
        {%- elif column.accepted_values and column.accepted_values | map('lower') | list == column.accepted_values -%}
            {%- set folded = 'lower(' ~ text_expr ~ ')' -%}
        {%- endif -%}
        {%- if column['values'] -%}
            case lower({{ text_expr }})
                {%- for export_value, contract_value in column['values'].items() %}
                when {{ quoted_text(export_value | lower) }} then {{ quoted_text(contract_value) }}
                {%- endfor %}
                else {{ folded }}
            end
        {%- else -%}
            {{ folded }}
        {%- endif -%}
    {%- elif column.type == 'boolean' -%}
        case lower({{ text_expr }}) when 'true' then true when 'false' then false end
    {%- elif column.type in ('timestamp', 'date') -%}
        {%- set parsed = [] -%}
        {%- for fmt in column.formats -%}
            {%- do parsed.append(parse_contract_time(text_expr, column, fmt)) -%}
        {%- endfor -%}
        {%- if column.ambiguous_formats -%}
            case
                when {{ ambiguous_time(text_expr, column) }} then null
                else {{ parsed[0] if parsed | length == 1 else 'coalesce(' ~ parsed | join(', ') ~ ')' }}
            end
        {%- else -%}
            {{ parsed[0] if parsed | length == 1 else 'coalesce(' ~ parsed | join(', ') ~ ')' }}
        {%- endif -%}
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


{#- One declared format applied to a timestamp or date column's text: a UTC timestamp (or a
    date), null when the text does not fit. `iso8601` is the contract's own format: a date, or a
    date and time with an optional offset or `Z`; a time without an offset is in the source's
    time zone. -#}
{% macro parse_contract_time(text_expr, column, fmt) -%}
    {%- set iso_timestamp = '[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?'
        ~ '([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)?)?' -%}
    {%- set iso_offset = '.*[T ][0-9]{2}:[0-9]{2}.*([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)' -%}
    {%- if fmt == 'iso8601' and column.type == 'date' -%}
        case
            when {{ regexp_full_match(text_expr, '[0-9]{4}-[0-9]{2}-[0-9]{2}') }}
                then {{ dbt.safe_cast(text_expr, api.Column.translate_type('date')) }}
        end
    {%- elif fmt == 'iso8601' and column.timezone == 'UTC' -%}
        case
            when {{ regexp_full_match(text_expr, iso_timestamp) }}
                then {{ text_to_utc_timestamp(text_expr) }}
        end
    {%- elif fmt == 'iso8601' -%}
        case
            when {{ regexp_full_match(text_expr, iso_timestamp) }} and {{ regexp_full_match(text_expr, iso_offset) }}
                then {{ text_to_utc_timestamp(text_expr) }}
            when {{ regexp_full_match(text_expr, iso_timestamp) }}
                then {{ local_to_utc(dbt.safe_cast(text_expr, dbt.type_timestamp()), column.timezone) }}
        end
    {%- elif column.type == 'date' -%}
        {{ dbt.cast(parse_with_format(text_expr, fmt), api.Column.translate_type('date')) }}
    {%- elif '%z' in fmt or '%Z' in fmt -%}
        {{ parse_with_offset_format(text_expr, fmt) }}
    {%- elif column.timezone == 'UTC' -%}
        {{ parse_with_format(text_expr, fmt) }}
    {%- else -%}
        {{ local_to_utc(parse_with_format(text_expr, fmt), column.timezone) }}
    {%- endif -%}
{%- endmacro %}


{#- True when the text reads as two different times under a pair of formats that differ only in
    the order of day and month (and the mapping declares no date_order): never guessed. -#}
{% macro ambiguous_time(text_expr, column) -%}
    {%- set conditions = [] -%}
    {%- for pair in column.ambiguous_formats -%}
        {%- set first = parse_contract_time(text_expr, column, pair[0]) -%}
        {%- set second = parse_contract_time(text_expr, column, pair[1]) -%}
        {%- do conditions.append('(' ~ first ~ ' <> ' ~ second ~ ')') -%}
    {%- endfor -%}
    coalesce({{ conditions | join(' or ') }}, false)
{%- endmacro %}
