{#- One row per catalog KPI and period with its value, generated from seeds/kpi_catalog.csv at
    run time by kpi_values_union(): each row's source_model / source_column, read at the period
    column of its frequency. The refs below declare every model a catalog row may name (dbt needs
    them at parse time; see scorecard_source_models()). -#}
{%- for model_name in scorecard_source_models() %}
-- depends_on: {{ ref(model_name) }}
{%- endfor %}

with

kpi_values as (
    {{ kpi_values_union(ref('kpi_catalog')) }}

),

final as (

    select
        kpi_id,
        period_start,
        actual_value,
        sample_size
    from kpi_values

)

select * from final
