{#- validate_source(source_name, table_name, parents={}, rule_parents={})

    The one SELECT behind every base_<source>__<entity> model: types, normalizes and checks a raw
    table against its landing contract (the column meta in models/staging/_sources.yml), and
    flags duplicates and late arrivals. It keeps every raw row; the stg and quarantine models
    split them.

    Output: each contract column typed, under its contract name; `_dq_reason` (null when the row
    is valid, else every failed rule, '; '-separated); `_is_duplicate`; `_conflict_with_file`
    (a duplicate whose values differ from the kept row's, in another file of the same landing
    run: that file); `_defaulted_columns` (the contract columns the export lacks, given by the
    source mapping's defaults); `_is_late_arriving` (monthly entities only); `_loaded_at`,
    `_source_file`, `_batch_id`, `_row_number`.

    parents: {fk column: ref(parent base model)} for every column whose meta has `references`.
    dbt draws the DAG from ref() calls it sees while parsing, and the contract is only readable
    at execute time, so the calling model passes the refs itself; they are checked here against
    the contract.

    rule_parents: {entity: ref(its base model)} for every other entity the contract's consistency
    rules read that is not already a parent (refunds read payments, reviews read enrollments).
    Consistency rules are checked only on rows that pass every column rule: a row's `_dq_reason`
    lists column reasons or consistency reasons (`<rule>: ...`), and an orphan is reported once. -#}
{% macro validate_source(source_name, table_name, parents={}, rule_parents={}) %}
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

    {#- The base model of every entity the consistency rules read: the parents, and rule_parents
        for exactly the others. -#}
    {%- set relation_of = {} -%}
    {%- for column in foreign_keys -%}
        {%- do relation_of.update({column.references.split('.')[0]: parents[column.name]}) -%}
    {%- endfor -%}
    {%- set rule_entities = [] -%}
    {%- for rule in contract.consistency_rules -%}
        {%- if rule.kind == 'exists_in' -%}
            {%- do rule_entities.append(rule.entity) -%}
        {%- endif -%}
        {%- for anchor in rule.get('anchors', []) | selectattr('via') -%}
            {%- do rule_entities.append(anchor.timestamp.split('.')[0]) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set other_entities = rule_entities | reject('in', relation_of.keys() | list) | unique | list -%}
    {%- if rule_parents.keys() | sort != other_entities | sort -%}
        {{ exceptions.raise_compiler_error(
            "validate_source(" ~ source_name ~ ", " ~ table_name ~ "): rule_parents must map exactly "
            ~ "the entities its consistency rules read that are not parents " ~ other_entities
            ~ " to ref('base_<source>__<entity>'); got " ~ (rule_parents.keys() | list)
        ) }}
    {%- endif -%}
    {%- for entity_name, relation in rule_parents.items() -%}
        {%- if not (relation | string | replace('"', '')).endswith('__' ~ entity_name) -%}
            {{ exceptions.raise_compiler_error(
                "validate_source(" ~ source_name ~ ", " ~ table_name ~ "): rule parent "
                ~ entity_name ~ " is " ~ relation
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {%- do relation_of.update(rule_parents) -%}

    {#- Names used in the CTEs below: `<column>__text` holds the trimmed landed text. -#}
    {%- set text_of = {} -%}
    {%- set name_of = {} -%}
    {%- for column in columns -%}
        {%- do text_of.update({column.name: adapter.quote(column.name ~ '__text')}) -%}
        {%- do name_of.update({column.name: adapter.quote(column.name)}) -%}
    {%- endfor -%}

    {%- set defaulted = columns | selectattr('defaulted') | map(attribute='name') | list -%}
    {%- set fingerprinted = [] -%}
    {%- for column in columns -%}
        {%- do fingerprinted.append('typed.' ~ name_of[column.name]) -%}
    {%- endfor -%}

    {%- set rule_checks = [] -%}
    {%- for column in columns -%}
        {%- set parent_key = 'valid_' ~ column.name | lower ~ '_parents.parent_key'
            if column.references else none -%}
        {%- do rule_checks.extend(contract_rule_checks(
            column, 'typed.' ~ text_of[column.name], 'typed.' ~ name_of[column.name], parent_key
        )) -%}
    {%- endfor -%}
    {%- set consistency_checks = consistency_rule_checks(contract.consistency_rules, 'typed') -%}

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
{%- for rule in contract.consistency_rules %}
{%- if rule.kind == 'exists_in' %}

-- {{ rule.name }}: keys of staged {{ rule.entity }} (valid, not duplicates); distinct, so the
-- join stays one-to-one
{{ consistency_rule_cte(rule) }} as (

    select distinct
        {%- for key in rule.entity_columns %}
        {{ adapter.quote(key) }} as key_{{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ relation_of[rule.entity] }}
    where {{ is_staged_row() }}

),
{%- else %}
{%- for anchor in rule.anchors if anchor.via %}

-- {{ rule.name }}: earliest {{ anchor.timestamp }} per {{ anchor.key }} of staged rows
-- (valid, not duplicates); one row per key, so the join stays one-to-one
{{ consistency_rule_cte(rule, rule.anchors.index(anchor) + 1) }} as (

    select
        {{ adapter.quote(anchor.key) }} as anchor_key,
        min({{ adapter.quote(anchor.timestamp.split('.')[1]) }}) as anchor_at
    from {{ relation_of[anchor.timestamp.split('.')[0]] }}
    where
        {{ is_staged_row() }}
        {%- for column, value in (anchor.where or {}).items() %}
        and {{ adapter.quote(column) }} = {{ quoted_text(value) }}
        {%- endfor %}
    group by {{ adapter.quote(anchor.key) }}

),
{%- endfor %}
{%- endif %}
{%- endfor %}

-- the landed text under the contract's names (the source mapping says which export column
-- holds each, or the default when the export has none), trimmed, empty as null; extra columns
-- a file brought are left behind
trimmed as (

    select
        {%- for column in columns %}
        {%- if column.defaulted %}
        {{ quoted_text(column.default) if column.default is not none else 'null' }} as {{ text_of[column.name] }},
        {%- else %}
        nullif(trim({{ adapter.quote(column.export_name) }}), '') as {{ text_of[column.name] }},
        {%- endif %}
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
        {%- if consistency_checks %}
        coalesce(
            {{ concat_non_null(rule_checks, '; ') }},
            {{ concat_non_null(consistency_checks, '; ') }}
        ) as _dq_reason,
        {%- else %}
        {{ concat_non_null(rule_checks, '; ') }} as _dq_reason,
        {%- endif %}
        {{ row_fingerprint(fingerprinted) }} as _fingerprint,
        {%- for lineage_column in lineage_columns %}
        typed.{{ lineage_column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from typed
    {%- for column in foreign_keys %}
    left join valid_{{ column.name | lower }}_parents
        on typed.{{ name_of[column.name] }} = valid_{{ column.name | lower }}_parents.parent_key
    {%- endfor %}
    {%- for rule in contract.consistency_rules %}
    {%- if rule.kind == 'exists_in' %}
    left join {{ consistency_rule_cte(rule) }}
        {%- for column in rule.columns %}
        {{ 'on' if loop.first else 'and' }} typed.{{ adapter.quote(column) }}
        = {{ consistency_rule_cte(rule) }}.key_{{ loop.index }}
        {%- endfor %}
    {%- else %}
    {%- for anchor in rule.anchors if anchor.via %}
    {%- set anchor_cte = consistency_rule_cte(rule, rule.anchors.index(anchor) + 1) %}
    left join {{ anchor_cte }}
        on typed.{{ adapter.quote(anchor.via) }} = {{ anchor_cte }}.anchor_key
    {%- endfor %}
    {%- endif %}
    {%- endfor %}

),

-- among valid rows of a business key the newest load wins (a redelivered file corrects the
-- earlier one; within one landing run the file landed later, i.e. later in path order), within
-- one batch the first row of the file; invalid rows are never duplicates. Valid rows sort first,
-- so the winner is row 1 (cheaper on 10M rows than partitioning by validity as well)
{%- set key_window -%}
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
{%- endset %}
ranked as (

    select
        *,
        _dq_reason is null and row_number() over (
            {{ key_window }}
        ) > 1 as _is_duplicate,
        first_value(_source_file) over (
            {{ key_window }}
        ) as _kept_file,
        first_value(_loaded_at) over (
            {{ key_window }}
        ) as _kept_loaded_at,
        first_value(_fingerprint) over (
            {{ key_window }}
        ) as _kept_fingerprint
    from checked

),

-- two files of one landing run that disagree on a key are a conflict: the run alone cannot say
-- which is right, so the row that lost names the file that won (reported by the consistency
-- standard). Across runs the later landing is a correction, not a conflict.
duplicates_flagged as (

    select
        *,
        case
            when
                _is_duplicate
                and _loaded_at = _kept_loaded_at
                and _source_file <> _kept_file
                and _fingerprint <> _kept_fingerprint
                then _kept_file
        end as _conflict_with_file
    from ranked

),
{%- if contract.partitioned_by %}
{%- set business_time = dbt.cast(name_of[contract.partitioned_by], dbt.type_timestamp()) | trim %}

-- the newest valid business time each batch brought
batch_newest as (

    select
        _loaded_at,
        _batch_id,
        max(case when _dq_reason is null then {{ business_time }} end) as newest_business_time
    from duplicates_flagged
    group by _loaded_at, _batch_id

),

-- what had landed before each batch, in landing order (run, then the files of a run in order)
batch_watermarks as (

    select
        _batch_id,
        max(newest_business_time) over (
            order by _loaded_at, _batch_id
            rows between unbounded preceding and 1 preceding
        ) as watermark
    from batch_newest

),

-- a row whose business time is older than what earlier batches had already delivered (less the
-- grace days) arrived late; the file's name plays no part, so any name works
late_arrivals_flagged as (

    select
        duplicates_flagged.*,
        case
            when {{ business_time }} is not null
                then coalesce(
                    {{ business_time }}
                    < {{ dbt.dateadd('day', -grace_days, 'batch_watermarks.watermark') | trim }},
                    false
                )
        end as _is_late_arriving
    from duplicates_flagged
    left join batch_watermarks
        on duplicates_flagged._batch_id = batch_watermarks._batch_id

),
{%- endif %}

final as (

    select
        {%- for column in columns %}
        {{ name_of[column.name] }},
        {%- endfor %}
        _dq_reason,
        _is_duplicate,
        _conflict_with_file,
        {{ quoted_text(defaulted | join(', ')) if defaulted else dbt.cast('null', dbt.type_string()) }}
            as _defaulted_columns,
        {%- if contract.partitioned_by %}
        _is_late_arriving,
        {%- endif %}
        {{ lineage_columns | join(',\n        ') }}
    from {{ 'late_arrivals_flagged' if contract.partitioned_by else 'duplicates_flagged' }}

)

select * from final
{% endmacro %}
