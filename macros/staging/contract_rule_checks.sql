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

    {%- if column.get('ambiguous_formats') -%}
        {%- set pairs = [] -%}
        {%- for pair in column.ambiguous_formats -%}
            {%- do pairs.append(pair | join(' or ')) -%}
        {%- endfor -%}
        {%- do checks.append(
            "case when " ~ ambiguous_time(text_sql, column) ~ " then "
            ~ dbt.concat([
                quoted_text(label ~ 'ambiguous ' ~ column.type ~ " '"),
                text_sql,
                quoted_text("' (" ~ pairs | join('; ') ~ "): declare date_order in the source mapping"),
            ])
            ~ " end"
        ) -%}
    {%- endif -%}

    {%- if column.type not in ('text', 'key') -%}
        {%- set not_ambiguous = ' and not ' ~ ambiguous_time(text_sql, column)
            if column.get('ambiguous_formats') else '' -%}
        {%- do checks.append(
            "case when " ~ text_sql ~ " is not null and " ~ typed_sql ~ " is null" ~ not_ambiguous ~ " then "
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

{#- One SQL expression per consistency rule of an entity (orchestration/contracts.py): the rule's
    message, `<rule>: ...`, or null when the row keeps it (or a value it needs is null). E.g.
    `payment_before_order: attempted_at 2026-03-01 09:00:00 is before its order's ordered_at
    2026-03-02 10:00:00` (timestamps in UTC), `review_without_enrollment: no enrollments row with
    student_id 7, course_id 101`.

    row_sql: the alias of the row being checked; the parents' values come from the CTEs that
    validate_source builds and joins under the names consistency_rule_cte gives. -#}
{% macro consistency_rule_checks(rules, row_sql) %}
    {%- set checks = [] -%}
    {%- for rule in rules -%}
        {%- if rule.kind == 'exists_in' -%}
            {%- set present = [] -%}
            {%- set shown = [] -%}
            {%- for column in rule.columns -%}
                {%- set value_sql = row_sql ~ '.' ~ adapter.quote(column) -%}
                {%- do present.append(value_sql ~ ' is not null') -%}
                {%- do shown.extend([
                    quoted_text((', ' if not loop.first else '') ~ column ~ ' '),
                    dbt.cast(value_sql, dbt.type_string()),
                ]) -%}
            {%- endfor -%}
            {%- do checks.append(
                "case when " ~ present | join(' and ') ~ " and "
                ~ consistency_rule_cte(rule) ~ ".key_1 is null then "
                ~ dbt.concat([quoted_text(rule.name ~ ': no ' ~ rule.entity ~ ' row with ')] + shown)
                ~ " end"
            ) -%}
        {%- else -%}
            {%- set anchor_values = [] -%}
            {%- set described = [] -%}
            {%- for anchor in rule.anchors -%}
                {%- set anchor_sql = consistency_rule_cte(rule, loop.index) ~ '.anchor_at' if anchor.via
                    else row_sql ~ '.' ~ adapter.quote(anchor.timestamp) -%}
                {%- do anchor_values.append(anchor_sql) -%}
                {%- do described.append(
                    "when " ~ anchor_sql ~ " is not null then "
                    ~ dbt.concat([quoted_text(anchor.label ~ ' '), dbt.cast(anchor_sql, dbt.type_string())])
                ) -%}
            {%- endfor -%}
            {%- set value_sql = row_sql ~ '.' ~ adapter.quote(rule.column) -%}
            {#- the first anchor that resolves is the one compared; later ones are fallbacks -#}
            {%- set anchor_sql = anchor_values[0] if anchor_values | length == 1
                else 'coalesce(' ~ anchor_values | join(', ') ~ ')' -%}
            {%- do checks.append(
                "case when " ~ value_sql ~ " < " ~ anchor_sql ~ " then "
                ~ dbt.concat([
                    quoted_text(rule.name ~ ': ' ~ rule.column ~ ' '),
                    dbt.cast(value_sql, dbt.type_string()),
                    quoted_text(' is before '),
                    "case " ~ described | join(' ') ~ " end",
                ])
                ~ " end"
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(checks) }}
{% endmacro %}

{#- The CTE validate_source builds for a consistency rule: the parent keys of an exists_in rule,
    or the parent timestamps of a not_before rule's anchor number anchor_index (1-based). -#}
{% macro consistency_rule_cte(rule, anchor_index=none) -%}
    {{ return(rule.name ~ ('__anchor_' ~ anchor_index if anchor_index else '__keys')) }}
{%- endmacro %}
