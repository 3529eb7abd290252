{#- One SQL expression per contract rule of a column: the rule's message, or null when the row
    passes it. Messages name the column and quote the offending landed value, e.g.
    `ordered_at: unparseable timestamp 'yesterday'`, `order_total: negative (-12.00)`.

    text_sql / typed_sql: the column's trimmed text and its typed value; parent_key_sql: the
    matching key of the parent's valid rows (null when there is none), for columns with
    `references`. -#}
{% macro contract_rule_checks(column, text_sql, typed_sql, parent_key_sql=none) %}
    {%- set checks = [] -%}
    {%- set label = column.name ~ ': ' -%}

    {%- if column.required -%}
        {%- do checks.append(
            "case when " ~ text_sql ~ " is null then "
            ~ quoted_text(label ~ 'required value missing') ~ " end"
        ) -%}
    {%- endif -%}

    {%- if column.type != 'text' -%}
        {%- do checks.append(
            "case when " ~ text_sql ~ " is not null and " ~ typed_sql ~ " is null then "
            ~ dbt.concat([quoted_text(label ~ 'unparseable ' ~ column.type ~ " '"), text_sql, "''''"])
            ~ " end"
        ) -%}
    {%- endif -%}

    {%- if column.accepted_values -%}
        {%- set accepted = [] -%}
        {%- for value in column.accepted_values -%}
            {%- do accepted.append(quoted_text(value)) -%}
        {%- endfor -%}
        {%- do checks.append(
            "case when " ~ typed_sql ~ " not in (" ~ accepted | join(', ') ~ ") then "
            ~ dbt.concat([quoted_text(label ~ "not an accepted value '"), text_sql, "''''"])
            ~ " end"
        ) -%}
    {%- endif -%}

    {%- if column.min_value is not none -%}
        {%- set problem = 'negative' if column.min_value == 0
            else 'below minimum ' ~ format_contract_number(column.min_value) -%}
        {%- do checks.append(
            "case when " ~ typed_sql ~ " < " ~ format_contract_number(column.min_value) ~ " then "
            ~ dbt.concat([quoted_text(label ~ problem ~ ' ('), text_sql, "')'"]) ~ " end"
        ) -%}
    {%- endif -%}

    {%- if column.max_value is not none -%}
        {%- set problem = 'above maximum ' ~ format_contract_number(column.max_value) -%}
        {%- do checks.append(
            "case when " ~ typed_sql ~ " > " ~ format_contract_number(column.max_value) ~ " then "
            ~ dbt.concat([quoted_text(label ~ problem ~ ' ('), text_sql, "')'"]) ~ " end"
        ) -%}
    {%- endif -%}

    {%- if column.references -%}
        {%- do checks.append(
            "case when " ~ typed_sql ~ " is not null and " ~ parent_key_sql ~ " is null then "
            ~ dbt.concat([
                quoted_text(label ~ 'orphaned, no valid ' ~ column.references ~ ' ('),
                text_sql,
                "')'",
            ])
            ~ " end"
        ) -%}
    {%- endif -%}

    {{ return(checks) }}
{% endmacro %}

{#- YAML gives 0, 0.0001 and 10000000000.0: print whole numbers without a fraction. -#}
{% macro format_contract_number(value) -%}
    {{ return((value | int) if value == (value | int) else value) }}
{%- endmacro %}
