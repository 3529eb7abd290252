{#- validate_source(source_name, table_name, parents={})

    The one SELECT behind every base_<source>__<entity> model: types, normalizes and checks a raw
    table against its landing contract (the column meta in models/staging/_sources.yml), and
    flags duplicates and late arrivals. It keeps every raw row; the stg and quarantine models
    split them.

    Output: each contract column typed, under its contract name; `_dq_reason` (null when the row
    is valid, else every failed rule, '; '-separated); `_is_duplicate`; `_is_late_arriving`
    (monthly entities only); `_loaded_at`, `_source_file`, `_batch_id`, `_row_number`.

    parents: {fk column: ref(parent base model)} for every column whose meta has `references`.
    dbt draws the DAG from ref() calls it sees while parsing, and the contract is only readable
    at execute time, so the calling model passes the refs itself; they are checked here against
    the contract. -#}
{% macro validate_source(source_name, table_name, parents={}) %}
    {#- source() comes before the parse-time return so that dbt records the dependency. -#}
    {%- set source_relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        {{ return('select 1 as _parse_time_placeholder') }}
    {%- endif -%}

    {%- set contract = complete_contract(source_contract(source_name, table_name), table_name) -%}
    {%- set columns = contract.columns -%}
    {%- set foreign_keys = columns | selectattr('references') | list -%}
    {%- set grace_days = var('late_arrival_grace_days', 0) | int -%}
    {%- set lineage_columns = ['_loaded_at', '_source_file', '_batch_id', '_row_number'] -%}

    {#- The parents passed must be exactly the contract's references, each to the right entity. -#}
    {%- set foreign_key_names = foreign_keys | map(attribute='name') | list -%}
    {%- if parents.keys() | sort != foreign_key_names | sort -%}
        {{ exceptions.raise_compiler_error(
            "validate_source(" ~ source_name ~ ", " ~ table_name ~ "): parents must map exactly "
            ~ "the columns with `references` in the contract " ~ foreign_key_names
            ~ " to ref('base_<source>__<parent>'); got " ~ (parents.keys() | list)
        ) }}
    {%- endif -%}
    {%- for column in foreign_keys -%}
        {%- set parent_entity = column.references.split('.')[0] -%}
        {%- if not (parents[column.name] | string | replace('"', '')).endswith('__' ~ parent_entity) -%}
            {{ exceptions.raise_compiler_error(
                "validate_source(" ~ source_name ~ ", " ~ table_name ~ "): " ~ column.name
                ~ " references " ~ column.references ~ " but its parent is "
                ~ parents[column.name]
            ) }}
        {%- endif -%}
    {%- endfor -%}

    {#- Names used in the CTEs below: `<column>__text` holds the trimmed landed text. -#}
    {%- set text_of = {} -%}
    {%- set name_of = {} -%}
    {%- for column in columns -%}
        {%- do text_of.update({column.name: adapter.quote(column.name ~ '__text')}) -%}
        {%- do name_of.update({column.name: adapter.quote(column.name)}) -%}
    {%- endfor -%}

    {%- set rule_checks = [] -%}
    {%- for column in columns -%}
        {%- set parent_key = 'valid_' ~ column.name | lower ~ '_parents.parent_key'
            if column.references else none -%}
        {%- do rule_checks.extend(contract_rule_checks(
            column, 'typed.' ~ text_of[column.name], 'typed.' ~ name_of[column.name], parent_key
        )) -%}
    {%- endfor -%}

with

source as (

    select * from {{ source_relation }}

),
{%- for column in foreign_keys %}

-- only valid parent rows count, so a child of a quarantined parent is quarantined too; distinct
-- keys keep the join one-to-one and cheap at tens of millions of rows
valid_{{ column.name | lower }}_parents as (

    select distinct {{ adapter.quote(column.references.split('.')[1]) }} as parent_key
    from {{ parents[column.name] }}
    where _dq_reason is null

),
{%- endfor %}

-- the landed text, trimmed, empty as null; extra columns a file brought are left behind
trimmed as (

    select
        {%- for column in columns %}
        nullif(trim({{ name_of[column.name] }}), '') as {{ text_of[column.name] }},
        {%- endfor %}
        {{ lineage_columns | join(',\n        ') }}
    from source

),

typed as (

    select
        trimmed.*,
        {%- for column in columns %}
        {{ cast_contract_value(text_of[column.name], column) }} as {{ name_of[column.name] }}
        {{- ',' if not loop.last }}
        {%- endfor %}
    from trimmed

),

-- the text columns are left behind here: the window below then sorts half as many bytes
checked as (

    select
        {%- for column in columns %}
        typed.{{ name_of[column.name] }},
        {%- endfor %}
        {{ concat_non_null(rule_checks, '; ') }} as _dq_reason,
        {%- for lineage_column in lineage_columns %}
        typed.{{ lineage_column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from typed
    {%- for column in foreign_keys %}
    left join valid_{{ column.name | lower }}_parents
        on typed.{{ name_of[column.name] }} = valid_{{ column.name | lower }}_parents.parent_key
    {%- endfor %}

),

-- among valid rows of a business key the newest load wins (a redelivered file corrects the
-- earlier one), within one batch the first row of the file; invalid rows are never duplicates.
-- Valid rows sort first, so the winner is row 1 (cheaper on 10M rows than partitioning by
-- validity as well)
duplicates_flagged as (

    select
        *,
        _dq_reason is null and row_number() over (
            partition by
                {%- for key_column in contract.key %}
                {{ name_of[key_column] }}{{ ',' if not loop.last }}
                {%- endfor %}
            order by
                _dq_reason is null desc,
                _loaded_at desc,
                _batch_id desc,
                _row_number asc,
                _source_file asc
        ) > 1 as _is_duplicate
    from checked

),
{%- if contract.partitioned_by %}

-- a monthly file <entity>_<YYYY-MM>.csv holds that month's rows: an earlier business time
-- (beyond the grace days) arrived late
late_arrivals_flagged as (

    select
        *,
        {{ dbt.cast(name_of[contract.partitioned_by], dbt.type_timestamp()) | trim }}
        < {{ dbt.dateadd('day', -grace_days, file_month_start('_source_file')) | trim }}
            as _is_late_arriving
    from duplicates_flagged

),
{%- endif %}

final as (

    select
        {%- for column in columns %}
        {{ name_of[column.name] }},
        {%- endfor %}
        _dq_reason,
        _is_duplicate,
        {%- if contract.partitioned_by %}
        _is_late_arriving,
        {%- endif %}
        {{ lineage_columns | join(',\n        ') }}
    from {{ 'late_arrivals_flagged' if contract.partitioned_by else 'duplicates_flagged' }}

)

select * from final
{% endmacro %}


{#- First day of the month a monthly landing file is named after (`orders_2026-03.csv` ->
    2026-03-01), as a timestamp; null when the name carries no month. -#}
{% macro file_month_start(file_path_sql) -%}
    {{ dbt.cast(
        dbt.safe_cast(
            dbt.concat([
                "nullif(" ~ regexp_capture(file_path_sql, '_([0-9]{4}-[0-9]{2})[.]csv$') ~ ", '')",
                "'-01'",
            ]),
            api.Column.translate_type('date'),
        ),
        dbt.type_timestamp(),
    ) }}
{%- endmacro %}
