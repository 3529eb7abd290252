{#- Data tests in an incremental build read only the rows written since the last complete,
    passing build, where that gives the verdict reading every row gives.

    After a complete build whose tests passed, the pipeline and Dagster append its `_written_at`
    stamp to incremental_state.tested_builds, and pass an incremental build the var
    `data_tests_scope: written_since_tested` (orchestration/build_state.py). With it, the
    error-severity `not_null`, `accepted_values` and `unique` tests of a model stamping
    `_written_at` (its yml documents the column) read the rows stamped after it: rows stamped
    before passed these tests and have not changed since (a row written again is stamped again).
    `unique` reads every row holding a value the newer rows hold, so a new row repeating an old key
    fails. Other tests, warn-severity tests (they count every failing row) and every test of a
    full refresh read the whole table. dbt_project.yml's `dispatch` puts this project before
    `dbt`, so this replaces dbt's own. -#}

{% macro default__get_where_subquery(relation) -%}
    {%- set filters = [config.get('where', '')] | select | list -%}
    {%- set written = rows_written_since_tested(relation) -%}
    {%- if written -%}
        {%- do filters.append(written) -%}
    {%- endif -%}
    {%- if not filters -%}
        {{ return(relation) }}
    {%- endif -%}
    {{ return('(select * from ' ~ relation ~ ' where (' ~ filters | join(') and (') ~ ')) dbt_subquery') }}
{%- endmacro %}

{#- The stamp of the last complete build whose tests passed, as text; none when there is none. -#}
{% macro last_tested_build_stamp() -%}
    {%- set tested_builds = load_relation(tested_builds_relation()) -%}
    {%- if tested_builds is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(run_query(
        "select cast(max(tested_through) as " ~ dbt.type_string() ~ ") from " ~ tested_builds
    ).rows[0][0]) }}
{%- endmacro %}

{#- The predicate keeping the rows of `relation` this test reads in a scoped build (see above);
    none when it reads them all. -#}
{% macro rows_written_since_tested(relation) -%}
    {%- if var('data_tests_scope', none) != 'written_since_tested' or not execute
        or model.resource_type != 'test' or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set test = model.test_metadata or {} -%}
    {%- set tested = graph.nodes.get(model.attached_node or '', {}) -%}
    {%- if test.get('name') not in ('not_null', 'accepted_values', 'unique')
        or (config.get('severity') or 'error') | lower != 'error'
        or '_written_at' not in (tested.get('columns') or {}) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set after = last_tested_build_stamp() -%}
    {%- if after is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set written = later_than('_written_at', after) -%}
    {%- if test.get('name') != 'unique' -%}
        {{ return(written) }}
    {%- endif -%}
    {%- set column = test.get('kwargs', {}).get('column_name') -%}
    {{ return(column ~ ' in (select ' ~ column ~ ' from ' ~ relation ~ ' where ' ~ written ~ ')') }}
{%- endmacro %}
