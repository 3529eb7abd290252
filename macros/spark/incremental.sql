{#- Incremental models on Spark. Plain Parquet tables have no delete, so a model incremental by
    key (delete+insert on DuckDB) is a table built whole each run there. A model incremental by
    partition (`incremental_materialization(by_partition=true)`: an aggregate by day) keeps its
    rows: a run overwrites the partitions its SQL writes (dbt-spark's insert_overwrite with dynamic
    partition overwrite, which may read the table it writes) and a post-hook drops the partitions
    no upstream row belongs to any more. A model incremental by key that Spark keeps partitioned
    completes the partitions it writes with the rows it holds there (the base models, by landing
    run: `select_completing_partitions`) or adds a partition per run and prunes the rows it
    superseded (the chains, by `_written_at`: `delete_keys_no_longer_in`). -#}

{% macro spark__incremental_materialization(by_partition) -%}
    {{ return('incremental' if by_partition else 'table') }}
{%- endmacro %}

{% macro spark__partition_incremental_strategy() -%}
    {{ return('insert_overwrite') }}
{%- endmacro %}

{% macro spark__partition_columns(column) -%}
    {{ return([column]) }}
{%- endmacro %}

{#- Columns by name in the held table's order (Spark keeps partition columns last), so the two
    halves of the union line up. -#}
{% macro spark__select_completing_partitions(relation, key_columns, partition_column) -%}
    {%- if not is_incremental() -%}
        {{ return('select * from ' ~ relation) }}
    {%- endif -%}
    {%- set matches = [] -%}
    {%- for key in key_columns -%}
        {%- do matches.append('derived.' ~ key ~ ' = held.' ~ key) -%}
    {%- endfor -%}
    {%- set listed = held_columns() | join(', ') -%}
    {{ return(
        'select ' ~ listed ~ '\nfrom ' ~ relation
        ~ '\nunion all\nselect ' ~ listed ~ '\nfrom ' ~ this ~ ' as held'
        ~ '\nwhere\n    held.' ~ partition_column ~ ' in (select ' ~ partition_column ~ ' from ' ~ relation ~ ')'
        ~ '\n    and not exists (\n        select 1\n        from ' ~ relation ~ ' as derived'
        ~ '\n        where ' ~ matches | join(' and ') ~ '\n    )'
    ) }}
{%- endmacro %}

{#- The watermark of a model incremental by partition is a property of its own table (an ALTER,
    no data written): two dbt threads appending to one shared Parquet table of watermarks would
    collide in its `_temporary` folder. It never goes back: a model following several inputs
    records each, and the newest stands, as on DuckDB. A table rebuilt whole keeps none (nothing
    reads it). Timestamps as Spark writes them as text compare in time order. -#}
{% macro spark__record_watermark(upstreams) -%}
    {%- if not execute or config.get('materialized') != 'incremental' -%}
        {{ return('') }}
    {%- endif -%}
    {%- set newest = run_query(
        'select cast(max(_written_at) as string) from (' ~ upstream_stamps(upstreams) ~ ') as stamps'
    ).rows[0][0] -%}
    {%- set held = spark__last_watermark() -%}
    {#- a model following several inputs records one after another: the newest stands -#}
    {%- if newest is none or (held is not none and held >= newest) -%}
        {{ return('') }}
    {%- endif -%}
    {{ return(
        'alter table ' ~ this ~ ' set tblproperties ('
        ~ dbt.string_literal(watermark_property()) ~ ' = ' ~ dbt.string_literal(newest) ~ ')'
    ) }}
{%- endmacro %}

{% macro spark__last_watermark() -%}
    {%- for row in run_query('show tblproperties ' ~ this).rows -%}
        {%- if row[0] == watermark_property() -%}
            {{ return(row[1]) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}

{% macro watermark_property() -%}
    {{ return('elearning_kpi.upstream_written_at') }}
{%- endmacro %}

{#- The partitions no upstream row belongs to any more, dropped (with their files): insert_overwrite
    replaces only the partitions its rows fall in. A model not partitioned by `key` has no such
    drop: an error, not a silent no-op. -#}
{% macro spark__delete_keys_no_longer_grouped_in(key, upstreams) -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- if config.get('partition_by') != [key] -%}
        {{ exceptions.raise_compiler_error(
            this ~ ": delete_keys_no_longer_grouped_in on Spark drops partitions of " ~ key
            ~ ", and the model is not partitioned by it (partition_by=partition_columns('" ~ key ~ "'))"
        ) }}
    {%- endif -%}
    {%- set emptied = run_query(
        'select distinct cast(' ~ key ~ ' as string) from ' ~ this
        ~ ' where ' ~ keys_no_longer_grouped_in(key, upstreams)
    ).rows -%}
    {%- if emptied | length == 0 -%}
        {{ return('') }}
    {%- endif -%}
    {%- set partitions = [] -%}
    {%- for row in emptied -%}
        {%- do partitions.append('partition (' ~ key ~ ' = ' ~ dbt.string_literal(row[0]) ~ ')') -%}
    {%- endfor -%}
    {{ return('alter table ' ~ this ~ ' drop if exists ' ~ partitions | join(', ')) }}
{%- endmacro %}

{% macro spark__written_since_last_run_by_partition(relation, partition_column) -%}
    {{ return(
        partition_column ~ ' in (select ' ~ partition_column ~ ' from ' ~ relation
        ~ ' where ' ~ written_since_last_run() ~ ')'
    ) }}
{%- endmacro %}

{#- A quarantine model is partitioned by landing run like its base model, and a run rewrites the
    partitions it writes whole: what is left to drop are the partitions no quarantined row of
    `base` belongs to any more. -#}
{% macro spark__delete_rows_no_longer_quarantined(base) -%}
    {{ return(delete_keys_no_longer_grouped_in('_loaded_at', [(base, '_loaded_at', is_quarantined_row())])) }}
{%- endmacro %}

{#- A chain model (incremental by key; delete+insert on DuckDB) is partitioned by `_written_at` on
    Spark: every row a run writes carries the run's stamp, so a run adds one partition, and rows it
    derives again stay behind in older partitions until this post-hook prunes them. So every
    incremental run calls it. -#}
{% macro spark__may_hold_keys_no_longer_in(upstream) -%}
    {{ return(true) }}
{%- endmacro %}

{#- Prune the held rows that go: a row whose key a newer partition holds (superseded), or whose key
    `upstream` no longer has among its rows `upstream_filter` keeps. The partitions holding only such
    rows are dropped; the others holding some are rewritten without them (insert overwrite reading
    the table it writes, under dynamic partition overwrite). A model not partitioned by
    `_written_at` has no such pruning: an error, not a silent no-op. -#}
{% macro spark__delete_keys_no_longer_in(upstream, key, upstream_filter) -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- if config.get('partition_by') != ['_written_at'] -%}
        {{ exceptions.raise_compiler_error(
            this ~ ": delete_keys_no_longer_in on Spark prunes the partitions of _written_at, and the "
            ~ "model is not partitioned by it (partition_by=partition_columns('_written_at'))"
        ) }}
    {%- endif -%}
    {%- set held_rows = rows_going_ctes(upstream, key, upstream_filter) -%}
    {%- set partitions = run_query(
        held_rows ~ '\nselect\n    cast(_written_at as string) as partition_value,'
        ~ '\n    count(*) as row_count,\n    sum(case when goes then 1 else 0 end) as going'
        ~ '\nfrom held_rows\ngroup by _written_at\nhaving sum(case when goes then 1 else 0 end) > 0'
    ).rows -%}
    {%- set emptied, thinned = [], [] -%}
    {%- for row in partitions -%}
        {%- do (emptied if row[1] == row[2] else thinned).append(row[0]) -%}
    {%- endfor -%}
    {%- if emptied -%}
        {%- set specs = [] -%}
        {%- for value in emptied -%}
            {%- do specs.append('partition (_written_at = ' ~ dbt.string_literal(value) ~ ')') -%}
        {%- endfor -%}
        {%- do run_query('alter table ' ~ this ~ ' drop if exists ' ~ specs | join(', ')) -%}
    {%- endif -%}
    {%- if not thinned -%}
        {{ return('') }}
    {%- endif -%}
    {%- set stamps = [] -%}
    {%- for value in thinned -%}
        {%- do stamps.append('cast(' ~ dbt.string_literal(value) ~ ' as timestamp)') -%}
    {%- endfor -%}
    {%- do run_query('set spark.sql.sources.partitionOverwriteMode = DYNAMIC') -%}
    {{ return(
        'insert overwrite table ' ~ this ~ ' partition (_written_at)\n'
        ~ held_rows
        ~ '\nselect ' ~ held_columns() | join(', ') ~ '\nfrom held_rows'
        ~ '\nwhere not goes and _written_at in (' ~ stamps | join(', ') ~ ')'
    ) }}
{%- endmacro %}

{#- `with ... held_rows`: every held row and whether it goes (see above), as SQL. -#}
{% macro rows_going_ctes(upstream, key, upstream_filter) -%}
    {{ return(
        'with\n\nnewest as (\n\n    select\n        ' ~ key ~ ',\n        max(_written_at) as newest_written_at'
        ~ '\n    from ' ~ this ~ '\n    group by ' ~ key ~ '\n\n),'
        ~ '\n\nkept as (\n\n    select distinct upstream.' ~ key ~ '\n    from ' ~ upstream ~ ' as upstream'
        ~ '\n    where ' ~ upstream_filter ~ '\n\n),'
        ~ '\n\nheld_rows as (\n\n    select\n        held.*,'
        ~ '\n        held._written_at < newest.newest_written_at or kept.' ~ key ~ ' is null as goes'
        ~ '\n    from ' ~ this ~ ' as held\n    inner join newest\n        on held.' ~ key ~ ' = newest.' ~ key
        ~ '\n    left join kept\n        on held.' ~ key ~ ' = kept.' ~ key ~ '\n\n)\n'
    ) }}
{%- endmacro %}

{#- This model's columns in its table's order (partition columns last), quoted. -#}
{% macro held_columns() -%}
    {%- set columns = [] -%}
    {%- for column in adapter.get_columns_in_relation(this) -%}
        {%- do columns.append(adapter.quote(column.name)) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}
