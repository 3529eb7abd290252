-- The shift-share identities on the built data: within a ratio KPI's slice, rate + mix = the
-- slice's contribution and the rate effect is weight before x (rate now - rate before) whenever
-- the slice has a rate in both periods; a dimension's contributions sum to the KPI's change and
-- its weights to 1 (or 0: a period without a denominator). Returns the rows breaking one.
with

drivers as (

    select * from {{ ref('kpi_drivers') }}

),

slice_breaks as (

    select
        kpi_id,
        period_start,
        dimension,
        slice_value,
        'rate + mix != contribution or rate effect != weight before x rate change' as failure
    from drivers
    where
        decomposition_method = 'ratio'
        and (
            abs(rate_effect_value + mix_effect_value - contribution_value) > 1e-9
            or (
                slice_rate_value is not null
                and prior_slice_rate_value is not null
                and abs(
                    rate_effect_value
                    - prior_weight_share * (slice_rate_value - prior_slice_rate_value)
                ) > 1e-9 * greatest(1, abs(slice_rate_value))
            )
        )

),

dimension_totals as (

    select
        kpi_id,
        period_start,
        dimension,
        sum(contribution_value) as contribution_value,
        max(kpi_change_value) as kpi_change_value,
        sum(weight_share) as weight_share
    from drivers
    group by kpi_id, period_start, dimension

),

dimension_breaks as (

    select
        kpi_id,
        period_start,
        dimension,
        cast(null as {{ dbt.type_string() }}) as slice_value,
        'contributions do not sum to the change or weights to 1' as failure
    from dimension_totals
    where
        abs(contribution_value - kpi_change_value) > 1e-6 * greatest(1, abs(kpi_change_value))
        or not (abs(weight_share - 1) < 1e-9 or abs(weight_share) < 1e-9)

)

select * from slice_breaks
union all
select * from dimension_breaks
