{#- Overrides of dbt's own cross-database macros where dbt-duckdb 1.11 gets them wrong for us.
    dbt_project.yml's `dispatch` puts this project before `dbt` in the search order. -#}

{#- dbt's default safe_cast is a plain cast, which aborts the whole model on the first bad value;
    try_cast returns null instead, which is what lets staging quarantine the row. -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{#- dbt's type_float() renders `float`, which DuckDB reads as 4-byte REAL (7 significant
    digits); every other engine dbt supports reads it as 8-byte double precision. -#}
{% macro duckdb__type_float() -%}
    double
{%- endmacro %}

{#- DuckDB hashes the typed values themselves, by position and with nulls, in 64 bits: on 6.2M
    sessions the model took 4 s less than with text joined and md5'd (11.7 against 15.8 s). -#}
{% macro duckdb__row_fingerprint(expressions) -%}
    hash({{ expressions | join(', ') }})
{%- endmacro %}

{#- DuckDB holds the rows of a CTE read more than once. Base models read their typed rows four
    times (the shared keys, both sides of the ranking, the batches' business times): at scale 1.0
    the sessions' model spilled 4.7 GiB under a 4GB limit holding them (raw rows and typed), and
    none with each reader typing them again, in about the same time (80 s against 77 s). In an
    incremental run the other way round: the sessions' model at scale 5 spilled over 31 GiB with a
    day's fingerprinted rows typed again by each of their seven readers (each one's plan scanning
    the raw and held tables anew), and none holding them (24.6 s for the run's query alone). -#}
{% macro duckdb__inline_cte(held) -%}
    {{ return('materialized' if held else 'not materialized') }}
{%- endmacro %}
