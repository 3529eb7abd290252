{#- The executive scorecard's coverage agrees with seeds/manual_kpis.csv: a KPI is marked manual
    exactly when people report it. Returns the rows that disagree. -#}
with

executive as (

    select * from {{ ref('executive_kpis') }}

),

manual_kpis as (

    select * from {{ ref('manual_kpis') }}

),

final as (

    select
        executive.reference_kpi,
        executive.kpi_id,
        executive.coverage
    from executive
    left join manual_kpis
        on executive.kpi_id = manual_kpis.kpi_id
    where (executive.coverage = 'manual') != (manual_kpis.kpi_id is not null)

)

select * from final
