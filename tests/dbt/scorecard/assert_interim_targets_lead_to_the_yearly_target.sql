{#- The KPI template's interim targets (seeds/kpi_template.csv) exist exactly for the KPIs with a
    yearly target (kpi_catalog.target) and never lie beyond it: in the KPI's direction, the 30-day
    target is at most the 90-day one, which is at most the yearly target. Returns the KPIs that
    break it. -#}
with

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

template as (

    select * from {{ ref('kpi_template') }}

),

signed as (

    select
        catalog.kpi_id,
        catalog.target,
        template.target_30_days,
        template.target_90_days,
        case when catalog.direction = 'lower_is_better' then -1 else 1 end as direction_sign
    from catalog
    inner join template
        on catalog.kpi_id = template.kpi_id

),

final as (

    select *
    from signed
    where
        (target is null) != (target_30_days is null)
        or (target is null) != (target_90_days is null)
        or direction_sign * target_30_days > direction_sign * target_90_days
        or direction_sign * target_90_days > direction_sign * target

)

select * from final
