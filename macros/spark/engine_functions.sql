{#- The Spark implementations of the project's engine-specific building blocks (the dispatchers
    and their contracts are in macros/staging/engine_functions.sql, macros/learning/ and
    macros/commerce/). The session time zone is UTC (profiles.yml), so Spark's timestamp, an
    instant shown in the session zone, reads as the naive UTC timestamp DuckDB holds. -#}

{#- A Spark string literal: Spark reads a backslash as an escape and concatenates adjacent
    literals ('it''s' is "its"), so both the backslash and the quote are escaped with one. -#}
{% macro spark__escape_single_quotes(expression) -%}
    {{ expression | replace('\\', '\\\\') | replace("'", "\\'") }}
{%- endmacro %}

{% macro spark__regexp_full_match(text_expr, pattern) -%}
    ({{ text_expr }} rlike {{ quoted_text('^(?:' ~ pattern ~ ')$') }})
{%- endmacro %}

{#- A cast reads ISO 8601 with an offset or `Z` as the instant, and naive text in the session
    time zone (UTC): both the UTC timestamp. try_cast: null, never an error, on what it cannot
    read. -#}
{% macro spark__text_to_utc_timestamp(text_expr) -%}
    try_cast({{ text_expr }} as timestamp)
{%- endmacro %}

{% macro spark__parse_with_format(text_expr, fmt) -%}
    try_to_timestamp({{ text_expr }}, {{ quoted_text(spark_datetime_pattern(fmt)) }})
{%- endmacro %}

{#- With an offset in the pattern Spark reads the instant, shown in the session zone (UTC). -#}
{% macro spark__parse_with_offset_format(text_expr, fmt) -%}
    try_to_timestamp({{ text_expr }}, {{ quoted_text(spark_datetime_pattern(fmt)) }})
{%- endmacro %}

{% macro spark__local_to_utc(timestamp_expr, timezone) -%}
    to_utc_timestamp({{ timestamp_expr }}, {{ quoted_text(timezone) }})
{%- endmacro %}

{% macro spark__learning_to_local_timestamp(utc_timestamp, time_zone) -%}
    from_utc_timestamp({{ utc_timestamp }}, {{ time_zone }})
{%- endmacro %}

{#- Spark's extract names the ISO parts otherwise: isoyear is YEAROFWEEK, isodow DAYOFWEEK_ISO. -#}
{% macro spark__learning_date_part(datepart, date_expr) -%}
    {%- set spark_names = {'isoyear': 'yearofweek', 'isodow': 'dayofweek_iso'} -%}
    {%- set spark_part = spark_names.get(datepart, datepart) -%}
    extract({{ spark_part }} from {{ date_expr }})
{%- endmacro %}

{% macro spark__commerce_day_series(bounds_relation, first_day_column, last_day_column) -%}
    select
        explode(sequence(
            cast({{ bounds_relation }}.{{ first_day_column }} as date),
            cast({{ bounds_relation }}.{{ last_day_column }} as date)
        )) as date_day
    from {{ bounds_relation }}
{%- endmacro %}

{% macro spark__marketing_month_series(start_expr, end_expr) -%}
    explode(sequence(
        trunc({{ start_expr }}, 'MM'),
        trunc({{ end_expr }}, 'MM'),
        interval 1 month
    ))
{%- endmacro %}

{#- Exact median, interpolated between the two middle values as DuckDB's median is. -#}
{% macro spark__scorecard_median(expression) -%}
    percentile({{ expression }}, 0.5)
{%- endmacro %}

{#- A strftime format (the source mappings' `format`) as a Java DateTimeFormatter pattern: letters
    outside directives quoted as one run ('at'), a quote in it doubled ('o''clock'). -#}
{% macro spark_datetime_pattern(fmt) -%}
    {%- set directives = {
        'Y': 'yyyy', 'y': 'yy', 'm': 'MM', 'd': 'dd', 'H': 'HH', 'I': 'hh', 'M': 'mm', 'S': 'ss',
        'f': 'SSSSSS', 'p': 'a', 'b': 'MMM', 'B': 'MMMM', 'a': 'EEE', 'A': 'EEEE', 'j': 'DDD',
        'z': 'XX', '%': '%',
    } -%}
    {%- set pieces = [] -%}
    {%- set state = {'directive': false, 'letters': ''} -%}
    {%- for character in fmt ~ '%%' -%}
        {%- if (character.isalpha() or character == "'") and not state.directive -%}
            {%- do state.update({'letters': state.letters ~ character | replace("'", "''")}) -%}
        {%- else -%}
            {%- if state.letters -%}
                {%- do pieces.append("'" ~ state.letters ~ "'") -%}
                {%- do state.update({'letters': ''}) -%}
            {%- endif -%}
            {%- if state.directive -%}
                {%- if character not in directives -%}
                    {{ exceptions.raise_compiler_error(
                        "date format " ~ fmt ~ ": %" ~ character ~ " has no Spark equivalent here"
                    ) }}
                {%- endif -%}
                {%- do pieces.append(directives[character]) -%}
                {%- do state.update({'directive': false}) -%}
            {%- elif character == '%' -%}
                {%- do state.update({'directive': true}) -%}
            {%- else -%}
                {%- do pieces.append(character) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {#- the '%%' appended above flushes the last letters and writes one '%': dropped -#}
    {{ return((pieces | join(''))[:-1]) }}
{%- endmacro %}

{#- dbt's type_float() is `float`, 4-byte on Spark: the project's floats are doubles everywhere. -#}
{% macro spark__type_float() -%}
    double
{%- endmacro %}

{#- dbt-spark's listagg drops the order (with a warning). Here the values are collected with
    their sort key, sorted, and joined: `order_by_clause` is `order by <expression>` (ascending,
    one key), which is what the project uses. -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- set one_ascending_key = '\\s*order\\s+by\\s+(.+?)(\\s+asc)?\\s*' -%}
    {%- set key = modules.re.fullmatch(one_ascending_key, order_by_clause or '', modules.re.I) -%}
    {%- if limit_num or not key -%}
        {{ exceptions.raise_compiler_error(
            "listagg on Spark takes `order by <expression>` (ascending, one key), no limit; got "
            ~ order_by_clause
        ) }}
    {%- endif -%}
    array_join(
        transform(
            array_sort(collect_list(
                named_struct('sort_key', {{ key.group(1) }}, 'value', {{ measure }})
            )),
            entry -> entry.value
        ),
        {{ delimiter_text }}
    )
{%- endmacro %}
