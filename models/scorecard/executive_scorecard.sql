{#- The reference's executive scorecard (seeds/executive_kpis.csv: every KPI of
    executive-kpi-monitoring.md) as far as data exists: each KPI with the catalog KPI that
    measures it and that KPI's latest final period on the scorecard (value, target, status, and
    whether people report it), or, without a source, status no_data and the source it needs. A
    manual KPI whose latest final period was not reported shows that, never an older value. -#}
with

executive as (

    select * from {{ ref('executive_kpis') }}

),

scorecard as (

    select * from {{ ref('kpi_scorecard') }}

),

latest_final as (

    select
        *,
        row_number() over (partition by kpi_id order by period_start desc) as recency_rank
    from scorecard
    where is_final_period

),

final as (

    select
        ---------- keys
        executive.display_order,

        ---------- foreign keys
        executive.kpi_id,

        ---------- attributes
        executive.section,
        executive.reference_kpi,
        executive.reference_current,
        executive.reference_target,
        executive.coverage,
        executive.gap,
        latest_final.kpi_name,
        latest_final.unit,
        latest_final.owner,
        coalesce(latest_final.status, 'no_data') as status,
        case
            when executive.coverage = 'needs_source'
                then {{ dbt.concat(["'needs a source: '", 'executive.gap']) }}
            when latest_final.kpi_id is null then 'no final period yet'
            else latest_final.status_reason
        end as status_reason,

        ---------- timestamps (UTC)
        latest_final.period_start,
        latest_final.period_end,

        ---------- measures
        latest_final.actual_value,
        latest_final.target_value,
        latest_final.prior_value

    from executive
    left join latest_final
        on
            executive.kpi_id = latest_final.kpi_id
            and latest_final.recency_rank = 1

)

select * from final
