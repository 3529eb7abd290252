{#- Snapshots on Spark in the project's table format. dbt-spark's snapshot merges changes into
    the table, which Spark only does on Delta, Iceberg or Hudi; those need jars from a Maven
    repository at session start (docs/scaling.md), and this project writes Parquet. On Parquet
    the table is rewritten instead: the open versions the staging rows update or delete get their
    `dbt_valid_to`, new versions are appended, through a scratch table (Spark refuses to overwrite
    a table the same statement reads). The same result as the merge, paid for with a rewrite of
    the history on each build: fine for slowly changing prices. On Delta, Iceberg or Hudi the
    merge runs, as in dbt-spark. -#}
{% materialization snapshot, adapter='spark' %}
    {%- set file_format = config.get('file_format') or 'parquet' -%}
    {%- set grant_config = config.get('grants') -%}
    {%- set exists, target_relation = get_or_create_relation(
        database=none, schema=model.schema, identifier=model.get('alias', model.get('name')),
        type='table') -%}
    {%- if not adapter.check_schema_exists(model.database, model.schema) -%}
        {%- do create_schema(model.schema) -%}
    {%- endif -%}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {%- set strategy = strategy_dispatch(config.get('strategy'))(
        model, 'snapshotted_data', 'source_data', model['config'], exists) -%}

    {%- if not exists -%}
        {%- set final_sql = create_table_as(
            False, target_relation, build_snapshot_table(strategy, model['compiled_code'])) -%}
    {%- else -%}
        {%- set columns = config.get('snapshot_table_column_names')
            or get_snapshot_table_column_names() -%}
        {%- do adapter.valid_snapshot_target(target_relation, columns) -%}
        {%- set staging = spark_build_snapshot_staging_table(strategy, sql, target_relation) -%}
        {#- the staging rows' bookkeeping, never a column of the snapshot -#}
        {%- set bookkeeping = [
            'dbt_change_type', 'DBT_CHANGE_TYPE', 'dbt_unique_key', 'DBT_UNIQUE_KEY'] -%}
        {%- set staging_columns = adapter.get_columns_in_relation(staging)
            | rejectattr('name', 'in', bookkeeping) | list -%}
        {%- do create_columns(
            target_relation, adapter.get_missing_columns(staging, target_relation)
            | rejectattr('name', 'in', bookkeeping) | list) -%}
        {%- if file_format in ['delta', 'iceberg', 'hudi'] -%}
            {%- set quoted = [] -%}
            {%- for column in staging_columns -%}
                {%- do quoted.append(adapter.quote(column.name)) -%}
            {%- endfor -%}
            {%- set final_sql = snapshot_merge_sql(
                target=target_relation, source=staging, insert_cols=quoted) -%}
        {%- else -%}
            {%- set scratch = target_relation.incorporate(
                path={'identifier': target_relation.identifier ~ '__dbt_rewrite'}) -%}
            {%- set final_sql = spark_snapshot_rewrite_sql(
                target_relation, staging, scratch,
                adapter.get_columns_in_relation(target_relation) | map(attribute='name') | list,
                columns, config.get('dbt_valid_to_current')) -%}
        {%- endif -%}
    {%- endif -%}

    {% call statement('main') %}
        {{ final_sql }}
    {% endcall %}

    {%- do apply_grants(target_relation, grant_config, should_revoke(exists, full_refresh_mode)) -%}
    {%- do persist_docs(target_relation, model) -%}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {%- if staging is defined -%}
        {%- do post_snapshot(staging) -%}
    {%- endif -%}
    {%- if scratch is defined -%}
        {%- do adapter.drop_relation(scratch) -%}
    {%- endif -%}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}

{#- The merge of dbt-spark's snapshot as a rewrite: `scratch` is given the new contents, which
    then overwrite the target (its columns `column_names`; `columns` names dbt's snapshot
    columns, `valid_to_current` the config's value of an open version's `dbt_valid_to`, if any).
    Runs the first statement; returns the overwrite. -#}
{% macro spark_snapshot_rewrite_sql(
    target, staging, scratch, column_names, columns, valid_to_current
) -%}
    {%- set valid_to = 'dest.' ~ columns.dbt_valid_to -%}
    {%- set is_open = valid_to ~ ' is null' ~ (
        ' or ' ~ valid_to ~ ' = ' ~ valid_to_current if valid_to_current else '') -%}
    {%- set kept = [] -%}
    {%- for column_name in column_names -%}
        {%- set name = '`' ~ column_name ~ '`' -%}
        {%- if column_name == columns.dbt_valid_to -%}
            {%- do kept.append(
                'case when closing.' ~ columns.dbt_scd_id ~ ' is not null and (' ~ is_open ~ ')'
                ~ ' then closing.' ~ name ~ ' else dest.' ~ name ~ ' end as ' ~ name) -%}
        {%- else -%}
            {%- do kept.append('dest.' ~ name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set inserted = [] -%}
    {%- for column_name in column_names -%}
        {%- do inserted.append('staged.`' ~ column_name ~ '`') -%}
    {%- endfor -%}
    {%- do run_query('drop table if exists ' ~ scratch) -%}
    {%- do run_query(spark_snapshot_rewritten(
        target, staging, scratch, kept, inserted, columns.dbt_scd_id)) -%}
    {{ return('insert overwrite table ' ~ target ~ ' select * from ' ~ scratch) }}
{%- endmacro %}

{#- `scratch` as the snapshot's new contents: the target's rows (`kept`: the open versions the
    staging rows update or delete closed) and the staging rows that are new versions
    (`inserted`). -#}
{% macro spark_snapshot_rewritten(target, staging, scratch, kept, inserted, scd_id) -%}
    create table {{ scratch }} using parquet as
    with

    closing as (
        select * from {{ staging }}
        where dbt_change_type in ('update', 'delete')
    ),

    opening as (
        select staged.*
        from {{ staging }} as staged
        left join {{ target }} as known
            on staged.{{ scd_id }} = known.{{ scd_id }}
        where staged.dbt_change_type = 'insert' and known.{{ scd_id }} is null
    )

    select {{ kept | join(', ') }}
    from {{ target }} as dest
    left join closing
        on dest.{{ scd_id }} = closing.{{ scd_id }}
    union all
    select {{ inserted | join(', ') }}
    from opening as staged
{%- endmacro %}
