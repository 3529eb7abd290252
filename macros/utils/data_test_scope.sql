{#- Data tests in an incremental build read only the rows written since the last complete,
    passing build, where that gives the verdict reading every row gives.

    After a complete build whose tests passed, the pipeline and Dagster append its `_written_at`
    stamp to incremental_state.tested_builds, and pass an incremental build the var
    `data_tests_scope: written_since_tested` (orchestration/build_state.py). With it, the
    error-severity tests of a model stamping `_written_at` (its yml documents the column) read:
    - `not_null`, `not_null_columns`, `accepted_values`: the rows stamped after it. The rows
      stamped before passed these tests and have not changed since (a row written again is
      stamped again);
    - `unique`, `unique_combination_of_columns`: every row whose key a newer row holds, so a new
      row repeating an old key fails.
    Other tests (relationships, custom ones), warn-severity tests (they count every failing row)
    and every test of a full refresh read the whole table. dbt_project.yml's `dispatch` puts this
    project before `dbt`, so this replaces dbt's own. -#}

{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set scope = data_test_scope(relation) -%}
    {%- if scope is none -%}
        {{ return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery' if where else relation) }}
    {%- endif -%}
    {%- set written = later_than('_written_at', scope.after) -%}
    {%- set kept = ' and (' ~ where ~ ')' if where else '' -%}
    {%- if not scope.key_columns -%}
        {{ return('(select * from ' ~ relation ~ ' where (' ~ written ~ ')' ~ kept ~ ') dbt_subquery') }}
    {%- endif -%}
    {%- if not scope.nulls_equal -%}
        {#- `unique` leaves nulls out, and a semi-join costs less than a join (measured on 25M
            sessions, 2M written: 0.9 s against 1.5 s; the whole table 3.9 s) -#}
        {{ return(
            '(select * from ' ~ relation ~ ' where ' ~ scope.key_columns[0] ~ ' in (select ' ~ scope.key_columns[0]
            ~ ' from ' ~ relation ~ ' where ' ~ written ~ ')' ~ kept ~ ') dbt_subquery'
        ) }}
    {%- endif -%}
    {#- a combination: null equals null, as in the test's group by -#}
    {%- set matches = [] -%}
    {%- for key in scope.key_columns -%}
        {%- do matches.append('tested.' ~ key ~ ' is not distinct from written_keys.' ~ key) -%}
    {%- endfor -%}
    {{ return(
        '(select tested.* from ' ~ relation ~ ' as tested inner join (select distinct '
        ~ scope.key_columns | join(', ') ~ ' from ' ~ relation ~ ' where ' ~ written ~ ') as written_keys on '
        ~ matches | join(' and ') ~ (' where (' ~ where ~ ')' if where else '') ~ ') dbt_subquery'
    ) }}
{%- endmacro %}

{#- The stamp of the last complete build whose tests passed, as text; none when there is none. -#}
{% macro last_tested_build_stamp() -%}
    {%- set tested_builds = load_relation(incremental_state_relation('tested_builds')) -%}
    {%- if tested_builds is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(run_query(
        "select cast(max(tested_through) as " ~ dbt.type_string() ~ ") from " ~ tested_builds
    ).rows[0][0]) }}
{%- endmacro %}

{#- How this test reads `relation` in a scoped build: {after: the stamp, key_columns: the key columns a
    uniqueness test compares (none for a row-level test), nulls_equal: whether a null key value
    counts as a value}; none when it reads every row. -#}
{% macro data_test_scope(relation) -%}
    {%- if var('data_tests_scope', none) != 'written_since_tested' or not execute
        or model.resource_type != 'test' or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set test = model.test_metadata or {} -%}
    {%- set arguments = test.get('kwargs') or {} -%}
    {%- set keys = {
        'not_null': [], 'not_null_columns': [], 'accepted_values': [],
        'unique': [arguments.get('column_name')],
        'unique_combination_of_columns': arguments.get('combination') or [none],
    }.get(test.get('name')) -%}
    {%- set tested = graph.nodes.get(model.attached_node or '', {}) -%}
    {%- if keys is none or none in keys
        or (config.get('severity') or 'error') | lower != 'error'
        or '_written_at' not in (tested.get('columns') or {}) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set after = last_tested_build_stamp() -%}
    {{ return(none if after is none
        else {'after': after, 'key_columns': keys, 'nulls_equal': test.get('name') != 'unique'}) }}
{%- endmacro %}
