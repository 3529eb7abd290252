{#- The model has as many rows as a source table: a base model keeps every raw row of its table,
    none dropped and none repeated, so its count is the raw table's (int_row_accounting's raw_rows
    counts the base model). Returns both counts when they differ. -#}
{% test row_count_matches_source(model, source_name, table_name) %}

with

model_rows as (

    select count(*) as model_rows from {{ model }}

),

source_rows as (

    select count(*) as source_rows from {{ source(source_name, table_name) }}

)

select
    model_rows.model_rows,
    source_rows.source_rows
from model_rows
cross join source_rows
where model_rows.model_rows <> source_rows.source_rows

{% endtest %}
