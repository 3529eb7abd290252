{#- In an incremental run the CTEs' rows are the few the run derives: written to a table of their
    own beside the model (`<model>__written_once`, dropped by the post-hook, or by the model's next
    incremental run when a run fails before it), and the model's `cte` reads that table. In the
    golden check's landing runs each of four base models took 27-103 s with the CTEs inlined,
    5.2-6.2 s with their rows written first. Not `cache table`: a cached view keeps its whole plan,
    which Spark matches against every query reading it (the orders' query, warm, 22-99 s that way,
    5.5-7.9 s with a table). A full build derives every row, too many to write twice: the CTEs stand
    as written. The rows are read when the model compiles, like `newer_than_held`, from the raw and
    held tables the run's query then reads; so only a command that runs the model writes them (`dbt
    compile` or `show` gives the CTEs as written, the same rows). -#}
{% macro spark__written_once(cte, ctes) -%}
    {%- if not is_incremental() or flags.WHICH not in ('run', 'build', 'retry') -%}
        {{ return(ctes) }}
    {%- endif -%}
    {%- set written = written_once_relation() -%}
    {%- do run_query(drop_written_once()) -%}
    {%- do run_query(
        'create table ' ~ written ~ ' using ' ~ (config.get('file_format') or 'parquet')
        ~ ' as\nwith\n' ~ ctes ~ '\nselect * from ' ~ cte
    ) -%}
    {{ return(cte ~ ' as (select * from ' ~ written ~ ')') }}
{%- endmacro %}

{% macro spark__drop_written_once() -%}
    {{ return('drop table if exists ' ~ written_once_relation()) }}
{%- endmacro %}

{#- The table of this model's rows written once, in the model's schema. -#}
{% macro written_once_relation() -%}
    {{ return(this.incorporate(path={'identifier': this.identifier ~ '__written_once'})) }}
{%- endmacro %}
