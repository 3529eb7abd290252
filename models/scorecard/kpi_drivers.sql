{#- Why a KPI moved: its change from the period before (the month before; the day before for a
    daily KPI) decomposed over the slices of each of its dimensions
    (scorecard_kpi_slice_measures), one shift-share decomposition for every KPI.
    A ratio KPI is R = sum(w * r) over its slices (w the slice's share of the denominator, r its
    rate). A slice's rate and mix effects:
      rate effect = w_prior * (r_now - r_prior)              (its own rate moved)
      mix effect  = (w_now - w_prior) * (r_now - R_prior)    (it grew or shrank)
    Summed over a dimension's slices they are the textbook sum(w_prior * (r_now - r_prior)) and
    sum((w_now - w_prior) * r_now) (the weights of each period sum to 1), and add up to the KPI's
    change exactly. Centring the mix on the KPI's prior value makes each slice's mix say which
    way it moved the KPI: a growing slice with a below-average rate pulls the KPI down.
    contribution = rate + mix effect. A slice present in one period only takes its rate from
    the other period (all mix); a slice with a numerator but no denominator has no rate (its
    change is all rate effect). A ratio KPI is compared only when both periods have a
    denominator. An additive KPI's contribution is the slice's change (no rate or mix). -#}
with

slice_measures as {{ inline_cte() }} (

    select * from {{ ref('scorecard_kpi_slice_measures') }}

),

catalog as {{ inline_cte() }} (

    select * from {{ ref('kpi_catalog') }}

),

slice_totals as (

    select
        slice_measures.kpi_id,
        slice_measures.decomposition_method,
        slice_measures.dimension,
        slice_measures.period_start,
        {{ kpi_period_shift('catalog.frequency', 'slice_measures.period_start', -1) }}
            as prior_period_start,
        sum(slice_measures.numerator_value) as total_numerator_value,
        sum(slice_measures.denominator_value) as total_denominator_value
    from slice_measures
    inner join catalog
        on slice_measures.kpi_id = catalog.kpi_id
    group by
        slice_measures.kpi_id,
        slice_measures.decomposition_method,
        slice_measures.dimension,
        slice_measures.period_start,
        catalog.frequency

),

-- each slice's share of the KPI (its level contribution), weight and rate in its period
slice_levels as (

    select
        slice_measures.kpi_id,
        slice_measures.decomposition_method,
        slice_measures.dimension,
        slice_measures.slice_value,
        slice_measures.period_start,
        slice_measures.numerator_value,
        slice_measures.denominator_value,
        case
            when slice_measures.decomposition_method = 'additive'
                then slice_measures.numerator_value
            else {{ safe_divide(
                'slice_measures.numerator_value', 'slice_totals.total_denominator_value'
            ) }}
        end as level_value,
        case
            when slice_measures.decomposition_method = 'additive'
                then {{ safe_divide(
                    'slice_measures.numerator_value', 'slice_totals.total_numerator_value'
                ) }}
            else {{ safe_divide(
                'slice_measures.denominator_value', 'slice_totals.total_denominator_value'
            ) }}
        end as weight_share,
        case
            when slice_measures.decomposition_method = 'additive'
                then slice_measures.numerator_value
            else {{ safe_divide(
                'slice_measures.numerator_value', 'slice_measures.denominator_value'
            ) }}
        end as slice_rate_value
    from slice_measures
    inner join slice_totals
        on
            slice_measures.kpi_id = slice_totals.kpi_id
            and slice_measures.dimension = slice_totals.dimension
            and slice_measures.period_start = slice_totals.period_start

),

-- the periods a KPI and dimension can be compared: it has slices in the period and the one before
-- (a ratio KPI: with a denominator in both)
comparable_totals as (

    select * from slice_totals
    where decomposition_method = 'additive' or total_denominator_value != 0

),

comparisons as (

    select
        comparable_totals.kpi_id,
        comparable_totals.dimension,
        comparable_totals.period_start,
        comparable_totals.prior_period_start,
        case
            when comparable_totals.decomposition_method = 'additive'
                then comparable_totals.total_numerator_value
            else {{ safe_divide(
                'comparable_totals.total_numerator_value',
                'comparable_totals.total_denominator_value'
            ) }}
        end as kpi_value,
        case
            when prior_totals.decomposition_method = 'additive'
                then prior_totals.total_numerator_value
            else {{ safe_divide(
                'prior_totals.total_numerator_value', 'prior_totals.total_denominator_value'
            ) }}
        end as kpi_prior_value
    from comparable_totals
    inner join comparable_totals as prior_totals
        on
            comparable_totals.kpi_id = prior_totals.kpi_id
            and comparable_totals.dimension = prior_totals.dimension
            and comparable_totals.prior_period_start = prior_totals.period_start

),

-- every slice of either period of a comparison (two equi-joins, not a join on `in`)
comparison_slices as (

    {%- for period_column in ['period_start', 'prior_period_start'] %}
    {% if not loop.first %}union{% endif %}
    select
        comparisons.kpi_id,
        comparisons.dimension,
        comparisons.period_start,
        comparisons.prior_period_start,
        comparisons.kpi_value,
        comparisons.kpi_prior_value,
        slice_levels.decomposition_method,
        slice_levels.slice_value
    from comparisons
    inner join slice_levels
        on
            comparisons.kpi_id = slice_levels.kpi_id
            and comparisons.dimension = slice_levels.dimension
            and comparisons.{{ period_column }} = slice_levels.period_start
    {%- endfor %}

),

paired as (

    select
        comparison_slices.kpi_id,
        comparison_slices.decomposition_method,
        comparison_slices.dimension,
        comparison_slices.slice_value,
        comparison_slices.period_start,
        comparison_slices.prior_period_start,
        comparison_slices.kpi_value,
        comparison_slices.kpi_prior_value,
        current_slice.numerator_value,
        current_slice.denominator_value,
        prior_slice.numerator_value as prior_numerator_value,
        prior_slice.denominator_value as prior_denominator_value,
        current_slice.slice_rate_value,
        prior_slice.slice_rate_value as prior_slice_rate_value,
        coalesce(current_slice.weight_share, 0) as weight_share,
        coalesce(prior_slice.weight_share, 0) as prior_weight_share,
        coalesce(current_slice.level_value, 0) as level_value,
        coalesce(prior_slice.level_value, 0) as prior_level_value
    from comparison_slices
    left join slice_levels as current_slice
        on
            comparison_slices.kpi_id = current_slice.kpi_id
            and comparison_slices.dimension = current_slice.dimension
            and comparison_slices.slice_value = current_slice.slice_value
            and comparison_slices.period_start = current_slice.period_start
    left join slice_levels as prior_slice
        on
            comparison_slices.kpi_id = prior_slice.kpi_id
            and comparison_slices.dimension = prior_slice.dimension
            and comparison_slices.slice_value = prior_slice.slice_value
            and comparison_slices.prior_period_start = prior_slice.period_start

),

contributions as (

    select
        *,
        case
            when decomposition_method = 'ratio'
                then
                    level_value - prior_level_value
                    - (weight_share - prior_weight_share) * kpi_prior_value
            else level_value - prior_level_value
        end as contribution_value,
        case
            when decomposition_method = 'ratio'
                then
                    (weight_share - prior_weight_share)
                    * (
                        coalesce(slice_rate_value, prior_slice_rate_value, 0)
                        - kpi_prior_value
                    )
        end as mix_effect_value
    from paired

),

effects as (

    select
        *,
        case
            when decomposition_method = 'ratio' then contribution_value - mix_effect_value
        end as rate_effect_value
    from contributions

),

ranked as (

    select
        effects.*,
        effects.kpi_value - effects.kpi_prior_value as kpi_change_value,
        (effects.contribution_value < 0 and catalog.direction = 'higher_is_better')
        or (effects.contribution_value > 0 and catalog.direction = 'lower_is_better')
            as is_adverse,
        cast(
            row_number() over (
                partition by effects.kpi_id, effects.period_start
                order by
                    abs(effects.contribution_value) desc,
                    effects.dimension asc,
                    effects.slice_value asc
            ) as {{ dbt.type_bigint() }}
        ) as driver_rank,
        cast(
            row_number() over (
                partition by effects.kpi_id, effects.period_start, effects.dimension
                order by abs(effects.contribution_value) desc, effects.slice_value asc
            ) as {{ dbt.type_bigint() }}
        ) as dimension_driver_rank,
        catalog.kpi_name,
        catalog.unit,
        catalog.direction
    from effects
    inner join catalog
        on effects.kpi_id = catalog.kpi_id

),

final as (

    select
        ---------- keys
        {{ surrogate_key(['kpi_id', 'period_start', 'dimension', 'slice_value']) }}
            as kpi_driver_id,
        kpi_id,
        period_start,
        dimension,
        slice_value,

        ---------- attributes
        kpi_name,
        unit,
        direction,
        decomposition_method,
        prior_period_start,
        is_adverse,
        driver_rank,
        dimension_driver_rank,

        ---------- measures: the slice
        numerator_value,
        denominator_value,
        prior_numerator_value,
        prior_denominator_value,
        slice_rate_value,
        prior_slice_rate_value,
        weight_share,
        prior_weight_share,

        ---------- measures: the decomposition
        level_value,
        prior_level_value,
        contribution_value,
        rate_effect_value,
        mix_effect_value,
        {{ safe_divide('contribution_value', 'kpi_change_value') }} as change_share,

        ---------- measures: the KPI (the sum over the dimension's slices)
        kpi_value,
        kpi_prior_value,
        kpi_change_value

    from ranked

)

select * from final
