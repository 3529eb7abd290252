{#- The model has one row per base-model row it keeps: `rows` is 'staged' (a stg model: the rows
    where is_staged_row() holds) or 'quarantined' (a quarantine model: is_quarantined_row()),
    the predicates of macros/staging/row_filters.sql that int_row_accounting counts. A stg or
    quarantine model that drops or repeats rows fails it. Returns both counts when they differ. -#}
{% test row_count_matches_base(model, base_model, rows) %}

{%- set predicates = {'staged': is_staged_row(), 'quarantined': is_quarantined_row()} -%}
{%- if rows not in predicates -%}
    {{ exceptions.raise_compiler_error(
        "row_count_matches_base: rows is 'staged' or 'quarantined', not '" ~ rows ~ "'"
    ) }}
{%- endif %}

with

model_rows as (

    select count(*) as model_rows from {{ model }}

),

base_rows as (

    select count(*) as base_rows from {{ base_model }}
    where {{ predicates[rows] }}

)

select
    model_rows.model_rows,
    base_rows.base_rows
from model_rows
cross join base_rows
where model_rows.model_rows <> base_rows.base_rows

{% endtest %}
