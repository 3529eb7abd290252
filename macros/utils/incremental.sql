{#- How the big incremental models follow what changed without reading every row they hold.

    A model whose rows others read incrementally stamps each row it writes with `_written_at`, the
    start of the dbt invocation that wrote it (`written_at_stamp()`; every model of one invocation
    writes the same stamp, later invocations later ones). A model reading such a model keeps a
    watermark, the newest `_written_at` of its input it has taken in: `record_watermark` stores it
    after each run (a post-hook), `written_since_last_run` selects the input rows written since.
    A run that fails before its post-hook keeps the old watermark, so the next one takes those
    rows again: taking a row twice only writes it again. -#}

{% macro written_at_stamp() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- A table of the schema where the incremental models keep their state. -#}
{% macro incremental_state_relation(identifier) -%}
    {{ return(api.Relation.create(
        database=target.get('database'), schema='incremental_state', identifier=identifier
    )) }}
{%- endmacro %}

{#- The watermark this model recorded after its last run, as text; none when it has none (a
    first build, or the state was dropped). Read when the model runs, as a value, so the engine
    can skip the blocks of rows written before it. -#}
{% macro last_watermark() -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(adapter.dispatch('last_watermark', 'elearning_kpi')()) }}
{%- endmacro %}

{% macro default__last_watermark() -%}
    {%- set watermarks = load_relation(incremental_state_relation('watermarks')) -%}
    {%- if watermarks is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set found = run_query(
        "select cast(max(upstream_written_at) as " ~ dbt.type_string() ~ ") from " ~ watermarks
        ~ " where model_name = " ~ dbt.string_literal(this.identifier)
    ) -%}
    {%- if found.rows | length == 0 or found.rows[0][0] is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(found.rows[0][0]) }}
{%- endmacro %}

{#- A base model's filter in an incremental run: `column` after the newest `held_column` it holds
    (every row when it holds none), read when the model runs and written as a value, so the engine
    skips the blocks of rows before it. On its raw table, `_loaded_at` after the newest landing
    held; on the models its consistency rules read, `_written_at` after it last wrote (a run that
    wrote nothing leaves that where it was: the next takes those rows again). -#}
{% macro newer_than_held(column, held_column) -%}
    {%- if not execute -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set newest = run_query(
        "select cast(max(" ~ held_column ~ ") as " ~ dbt.type_string() ~ ") from " ~ this
    ).rows[0][0] -%}
    {{ return(later_than(column, newest)) }}
{%- endmacro %}

{#- `column` after the timestamp `text` (every row when there is none), as SQL. -#}
{% macro later_than(column, text) -%}
    {{ return('true' if text is none
        else column ~ ' > cast(' ~ dbt.string_literal(text) ~ ' as ' ~ dbt.type_timestamp() ~ ')') }}
{%- endmacro %}

{#- A filter on the input rows written since this model's last run: every row when it has no
    watermark. -#}
{% macro written_since_last_run(column='_written_at') -%}
    {{ return(later_than(column, last_watermark())) }}
{%- endmacro %}

{#- A filter on the input rows a run of a model incremental by key writes: on DuckDB
    (delete+insert by key) those written since its last run; where the model's table is partitioned
    like its input (`partition_column` of `relation`) and a run overwrites whole partitions (Spark),
    every row of the partitions holding such rows. -#}
{% macro written_since_last_run_by_partition(relation, partition_column) -%}
    {{ return(adapter.dispatch('written_since_last_run_by_partition', 'elearning_kpi')(relation, partition_column)) }}
{%- endmacro %}

{% macro default__written_since_last_run_by_partition(relation, partition_column) -%}
    {{ return(written_since_last_run()) }}
{%- endmacro %}

{#- The window a backfill names with the vars `rederive_from` and `rederive_to` (ISO dates or
    timestamps, UTC; from inclusive, to exclusive), as two SQL timestamps; none when neither is set.
    Dagster passes a partition's window this way. A half-set, malformed or empty window is an error,
    never an empty backfill. -#}
{% macro rederive_window() -%}
    {%- set start, end = var('rederive_from', none), var('rederive_to', none) -%}
    {%- if start is none and end is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set iso = '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])'
        ~ '([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,6})?)?)?$' -%}
    {%- for name, value in [('rederive_from', start), ('rederive_to', end)] -%}
        {%- if value is none or not modules.re.match(iso, value | string) -%}
            {{ exceptions.raise_compiler_error(
                "var " ~ name ~ " must be an ISO date or timestamp (YYYY-MM-DD[ HH:MM[:SS]]) when a "
                ~ "backfill window is given, got " ~ (value | string)[:40] ~ "; set both rederive_from and rederive_to"
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set start, end = (start | string).replace('T', ' '), (end | string).replace('T', ' ') -%}
    {%- set zero = '0000-00-00 00:00:00' -%}
    {%- if (start ~ zero[start | length:])[:19] >= (end ~ zero[end | length:])[:19] -%}
        {{ exceptions.raise_compiler_error(
            "backfill window is empty: rederive_from " ~ start ~ " is not before rederive_to " ~ end
        ) }}
    {%- endif -%}
    {{ return([
        'cast(' ~ dbt.string_literal(start) ~ ' as ' ~ dbt.type_timestamp() ~ ')',
        'cast(' ~ dbt.string_literal(end) ~ ' as ' ~ dbt.type_timestamp() ~ ')',
    ]) }}
{%- endmacro %}

{#- Whether `column` falls in the backfill window, as SQL: `false` when no window is given, so a
    plain run re-derives nothing by time. -#}
{% macro in_rederive_window(column) -%}
    {%- set window = rederive_window() -%}
    {{ return('false' if window is none
        else column ~ ' >= ' ~ window[0] ~ ' and ' ~ column ~ ' < ' ~ window[1]) }}
{%- endmacro %}

{#- on-run-start: the table of watermarks. A run appends one row per model that keeps one, and
    the newest counts: a watermark never goes back, as stamps only grow. -#}
{% macro create_watermarks_schema() -%}
create schema if not exists {{ incremental_state_relation('watermarks').without_identifier() }}
{%- endmacro %}

{% macro create_watermarks_table() -%}
create table if not exists {{ incremental_state_relation('watermarks') }} (
    model_name {{ dbt.type_string() }},
    upstream_written_at {{ dbt.type_timestamp() }},
    recorded_at {{ dbt.type_timestamp() }}
)
{%- endmacro %}

{#- on-run-start: the stamps of the complete builds whose tests passed (macros/utils/
    data_test_scope.sql), appended by the pipeline after such a build. -#}
{% macro create_tested_builds_table() -%}
create table if not exists {{ incremental_state_relation('tested_builds') }} (
    tested_through {{ dbt.type_timestamp() }},
    recorded_at {{ dbt.type_timestamp() }}
)
{%- endmacro %}

{#- A post-hook: the newest `_written_at` of `upstream` (and of any further relations given, for a
    model following several stamped inputs) is what this run took in. -#}
{% macro record_watermark(upstream) -%}
    {{ return(adapter.dispatch('record_watermark', 'elearning_kpi')([upstream] + (varargs | list))) }}
{%- endmacro %}

{% macro default__record_watermark(upstreams) -%}
insert into {{ incremental_state_relation('watermarks') }} (
    model_name, upstream_written_at, recorded_at
)
select
    {{ dbt.string_literal(this.identifier) }} as model_name,
    max(upstream_stamps._written_at) as upstream_written_at,
    {{ written_at_stamp() }} as recorded_at
from ({{ upstream_stamps(upstreams) }}) as upstream_stamps
{%- endmacro %}

{#- The newest `_written_at` of each upstream, one row each (`_written_at`), as SQL: what a
    watermark takes the newest of, on every engine. -#}
{% macro upstream_stamps(upstreams) -%}
    {%- set stamps = [] -%}
    {%- for relation in upstreams -%}
        {%- do stamps.append('select max(_written_at) as _written_at from ' ~ relation) -%}
    {%- endfor -%}
    {{ return(stamps | join(' union all ')) }}
{%- endmacro %}

{#- Whether this model may hold keys `upstream` no longer has, for a model holding one row per
    key of upstream, after an incremental run wrote every key upstream wrote since: then every
    upstream key is held, so the tables differ only when their counts do. -#}
{% macro may_hold_keys_no_longer_in(upstream) -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(adapter.dispatch('may_hold_keys_no_longer_in', 'elearning_kpi')(upstream)) }}
{%- endmacro %}

{% macro default__may_hold_keys_no_longer_in(upstream) -%}
    {%- set counts = run_query(
        "select (select count(*) from " ~ this ~ "), (select count(*) from " ~ upstream ~ ")"
    ) -%}
    {{ return(counts.rows[0][0] != counts.rows[0][1]) }}
{%- endmacro %}

{#- A post-hook: drop the held rows whose key upstream no longer has (staging quarantined or
    deduplicated them after the fact), among upstream's rows `upstream_filter` keeps (all by
    default; a condition on `upstream.`). It reads every row of both tables: hooks call it when
    `may_hold_keys_no_longer_in` says so, or where a run cannot tell. -#}
{% macro delete_keys_no_longer_in(upstream, key, upstream_filter='true') -%}
    {{ return(adapter.dispatch('delete_keys_no_longer_in', 'elearning_kpi')(upstream, key, upstream_filter)) }}
{%- endmacro %}

{% macro default__delete_keys_no_longer_in(upstream, key, upstream_filter) -%}
delete from {{ this }} as held
where
    not exists (
        select 1
        from {{ upstream }} as upstream
        where upstream.{{ key }} = held.{{ key }} and {{ upstream_filter }}
    )
{%- endmacro %}

{#- The groups of an aggregate to derive again in an incremental run (periods, enrollments), as
    three CTEs ending in `name` (one column, `key`): the groups whose `upstream` rows were written
    since this model's last run, and those whose count of upstream rows differs from what this
    model holds of them (`held_rows`, the measure counting them): a row deleted upstream, or moved
    to another group, leaves no stamp in the group it left. Upstream's group is `upstream_key`
    (`key` by default) over its rows that `upstream_filter` keeps (all by default). -#}
{% macro keys_to_derive_again_ctes(
    upstream, key, held_rows, upstream_key=none, upstream_filter='true', name='keys_to_derive_again'
) -%}
{{ name }}_held as (

    select
        {{ key }},
        sum({{ held_rows }}) as row_count
    from {{ this }}
    group by {{ key }}

),

{{ name }}_upstream as (

    select
        {{ upstream_key or key }} as {{ key }},
        count(*) as row_count,
        max(case when {{ written_since_last_run() }} then 1 else 0 end) as is_written_since
    from {{ upstream }}
    where {{ upstream_filter }}
    group by {{ upstream_key or key }}

),

{{ name }} as (

    select coalesce({{ name }}_held.{{ key }}, {{ name }}_upstream.{{ key }}) as {{ key }}
    from {{ name }}_held
    full outer join {{ name }}_upstream
        on {{ name }}_held.{{ key }} = {{ name }}_upstream.{{ key }}
    where
        {{ name }}_upstream.is_written_since = 1
        or coalesce({{ name }}_held.row_count, 0) <> coalesce({{ name }}_upstream.row_count, 0)

)
{%- endmacro %}

{#- A post-hook of such an aggregate: drop the groups no upstream has a row of any more
    (delete+insert replaces only the groups the run wrote rows of). `upstreams`: one
    (relation, group expression, row filter) per upstream. -#}
{% macro delete_keys_no_longer_grouped_in(key, upstreams) -%}
    {{ return(adapter.dispatch('delete_keys_no_longer_grouped_in', 'elearning_kpi')(key, upstreams)) }}
{%- endmacro %}

{% macro default__delete_keys_no_longer_grouped_in(key, upstreams) -%}
delete from {{ this }}
where {{ keys_no_longer_grouped_in(key, upstreams) }}
{%- endmacro %}

{#- The condition on a held row that no upstream groups its key any more, as SQL. -#}
{% macro keys_no_longer_grouped_in(key, upstreams) -%}
    {%- set absent = [] -%}
    {%- for relation, upstream_key, upstream_filter in upstreams -%}
        {%- do absent.append(
            key ~ ' not in (select distinct ' ~ upstream_key ~ ' from ' ~ relation
            ~ ' where ' ~ upstream_key ~ ' is not null and ' ~ upstream_filter ~ ')'
        ) -%}
    {%- endfor -%}
    {{ return(absent | join(' and ')) }}
{%- endmacro %}

{#- The rows of `derived` (a CTE of every row a full build writes) this model does not hold as
    they are: new keys, and keys whose row differs in a column other than `_written_at`. For a
    model cheap to derive whole but costly to write, whose readers take in what it writes: a run
    writes what changed. The columns are the ones the model holds, read when it runs. -#}
{% macro rows_differing_from_held(derived, key) -%}
select {{ derived }}.*
from {{ derived }}
left join {{ this }} as held
    on {{ derived }}.{{ key }} = held.{{ key }}
where
    held.{{ key }} is null
    {%- for column in columns_held_besides(key) %}
    or {{ derived }}.{{ column }} is distinct from held.{{ column }}
    {%- endfor %}
{%- endmacro %}

{#- This model's columns other than `key` and `_written_at`, quoted; none at parse time. -#}
{% macro columns_held_besides(key) -%}
    {%- set columns = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(this) -%}
            {%- if column.name | lower not in ('_written_at', key) -%}
                {%- do columns.append(adapter.quote(column.name)) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(columns) }}
{%- endmacro %}

{#- The materialization of an incremental model. The strategy is delete+insert by key, which
    DuckDB has; Spark without Delta or Iceberg has no delete, so there the models are rebuilt whole
    each run (the full-refresh path, which gives the same rows). Except the models Spark keeps
    partitioned: they pass `by_partition=true` and configure `partition_by=partition_columns(...)`
    and `incremental_strategy=partition_incremental_strategy()`, which is delete+insert by
    `unique_key` on DuckDB and, on Spark, insert_overwrite of the partitions a run writes
    (macros/spark/incremental.sql). Either the incremental SQL derives whole partitions again (an
    aggregate by day, whose `unique_key` is the partition column), or it ends with
    `select_completing_partitions` (the base models, by key and landing run), or the table is
    partitioned by `_written_at` (a chain model: each run's rows a new partition, and its
    `delete_keys_no_longer_in` post-hook prunes the rows they supersede). -#}
{% macro incremental_materialization(by_partition=false) -%}
    {{ return(adapter.dispatch('incremental_materialization', 'elearning_kpi')(by_partition)) }}
{%- endmacro %}

{% macro default__incremental_materialization(by_partition) -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro partition_incremental_strategy() -%}
    {{ return(adapter.dispatch('partition_incremental_strategy', 'elearning_kpi')()) }}
{%- endmacro %}

{% macro default__partition_incremental_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}

{#- The table partitioning of a model incremental by partition: none on DuckDB, whose tables
    have no partitions (its delete+insert keys on `unique_key`). -#}
{% macro partition_columns(column) -%}
    {{ return(adapter.dispatch('partition_columns', 'elearning_kpi')(column)) }}
{%- endmacro %}

{% macro default__partition_columns(column) -%}
    {{ return(none) }}
{%- endmacro %}

{#- The select ending a model incremental by key whose table Spark keeps partitioned (the base
    models, by landing run: `_loaded_at`): the rows `relation` derives, on DuckDB (delete+insert by
    key) and in any full build. In an incremental run on Spark, insert_overwrite replaces whole
    partitions, so the held rows of the partitions written that the run does not derive again come
    with them (macros/spark/incremental.sql). A row never changes partition: its key fixes it. -#}
{% macro select_completing_partitions(relation, key_columns, partition_column) -%}
    {{ return(adapter.dispatch('select_completing_partitions', 'elearning_kpi')(
        relation, key_columns, partition_column
    )) }}
{%- endmacro %}

{% macro default__select_completing_partitions(relation, key_columns, partition_column) -%}
    {{ return('select * from ' ~ relation) }}
{%- endmacro %}
