{#- One row per catalog KPI and period with its value, generated from seeds/kpi_catalog.csv at
    run time by kpi_values_union(): each row's source_model / source_column, read at the period
    column of its frequency. The refs below declare every model a catalog row may name (dbt needs
    them at parse time; see scorecard_source_models()). A KPI whose required sources (catalog
    required_sources) have no staged row has no value, whatever its mart says. -#}
{%- for model_name in scorecard_source_models() %}
-- depends_on: {{ ref(model_name) }}
{%- endfor %}

with

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

source_coverage as (

    select * from {{ ref('int_source_coverage') }}

),

source_values as (
    {{ kpi_values_union(ref('kpi_catalog')) }}

),

-- every period any KPI of a frequency has, for every KPI of that frequency: a KPI whose source
-- model has no row for a period still gets one (no data), rather than silently missing
frequency_periods as (

    select distinct
        catalog.frequency,
        source_values.period_start
    from source_values
    inner join catalog
        on source_values.kpi_id = catalog.kpi_id

),

kpi_periods as (

    select
        catalog.kpi_id,
        catalog.frequency,
        catalog.required_sources,
        frequency_periods.period_start
    from catalog
    inner join frequency_periods
        on catalog.frequency = frequency_periods.frequency

),

kpi_values as (

    select
        kpi_periods.kpi_id,
        kpi_periods.frequency,
        kpi_periods.required_sources,
        kpi_periods.period_start,
        source_values.actual_value,
        source_values.sample_size
    from kpi_periods
    left join source_values
        on
            kpi_periods.kpi_id = source_values.kpi_id
            and kpi_periods.period_start = source_values.period_start

),

-- the required sources of each KPI that have no staged row: the KPI has no data in any period
source_gaps as (

    select
        kpi_values.kpi_id,
        kpi_values.period_start,
        {{ dbt.listagg(
            dbt.concat(['source_coverage.source_entity', "' has no staged rows'"]),
            "'; '",
            'order by source_coverage.source_entity'
        ) }} as gap_reasons
    from kpi_values
    inner join source_coverage
        on
            {{ dbt.concat(["' '", 'kpi_values.required_sources', "' '"]) }}
            like {{ dbt.concat(["'% '", 'source_coverage.source_entity', "' %'"]) }}
    where source_coverage.staged_rows = 0
    group by kpi_values.kpi_id, kpi_values.period_start

),

final as (

    select
        ---------- keys
        kpi_values.kpi_id,
        kpi_values.period_start,

        ---------- attributes
        case
            when source_gaps.gap_reasons is not null
                then 'no data: ' || source_gaps.gap_reasons
        end as no_data_reason,

        ---------- measures
        case when source_gaps.gap_reasons is null then kpi_values.actual_value end as actual_value,
        case when source_gaps.gap_reasons is null then kpi_values.sample_size end as sample_size
    from kpi_values
    left join source_gaps
        on
            kpi_values.kpi_id = source_gaps.kpi_id
            and kpi_values.period_start = source_gaps.period_start

)

select * from final
