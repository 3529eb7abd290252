{#- One row per experiment and treatment variant, as of the newest look: exposure and
    conversions of both arms, the lift with its confidence interval, the fixed-horizon and
    always-valid p-values, the sample-ratio check, the minimum detectable effect at the planned
    size, and the decision the rule registered before the test started gives:
    - stop_sample_ratio_mismatch: the split differs from the design (p < 0.001), so no result of
      it can be trusted, whatever it says;
    - ship: the always-valid p-value has reached the comparison's alpha and the variant converts
      better (winning_variant marks the best such variant of the test);
    - stop_harmful: it has, and the variant converts worse;
    - stop_no_effect: both arms have their planned sample and it has not;
    - keep_running: otherwise. -#}
with

experiments as (

    select * from {{ ref('int_experiments') }}

),

looks as {{ inline_cte() }} (

    select * from {{ ref('experiment_looks') }}

),

first_significant as (

    select
        experiment_id,
        variant,
        min(look_date) as first_significant_date
    from looks
    where always_valid_p_value <= comparison_alpha
    group by experiment_id, variant

),

latest as (

    select
        *,
        row_number() over (
            partition by experiment_id, variant order by look_date desc
        ) as look_rank
    from looks

),

joined as (

    select
        latest.*,
        experiments.experiment_name,
        experiments.surface,
        experiments.control_variant,
        experiments.planned_sample_per_variant,
        experiments.alpha,
        experiments.power,
        experiments.minimum_lift,
        experiments.started_at,
        experiments.ended_at,
        experiments.critical_z,
        experiments.power_z,
        first_significant.first_significant_date
    from latest
    inner join experiments
        on latest.experiment_id = experiments.experiment_id
    left join first_significant
        on
            latest.experiment_id = first_significant.experiment_id
            and latest.variant = first_significant.variant
    where latest.look_rank = 1

),

estimates as (

    select
        *,
        rate_difference - critical_z * sqrt(difference_variance) as difference_ci_low,
        rate_difference + critical_z * sqrt(difference_variance) as difference_ci_high,
        (critical_z + power_z) * sqrt(
            2 * control_rate * (1 - control_rate) / planned_sample_per_variant
        ) as minimum_detectable_difference,
        sample_ratio_p_value < 0.001 as has_sample_ratio_mismatch,
        always_valid_p_value <= comparison_alpha as is_significant,
        least(control_units, treatment_units) >= planned_sample_per_variant as has_planned_sample
    from joined

),

decided as (

    select
        *,
        case
            when has_sample_ratio_mismatch then 'stop_sample_ratio_mismatch'
            when is_significant and rate_difference > 0 then 'ship'
            when is_significant and rate_difference < 0 then 'stop_harmful'
            when has_planned_sample then 'stop_no_effect'
            else 'keep_running'
        end as decision
    from estimates

),

ranked as (

    select
        *,
        row_number() over (
            partition by experiment_id
            order by
                case when decision = 'ship' then 0 else 1 end asc,
                rate_difference desc,
                variant asc
        ) as ship_rank
    from decided

),

final as (

    select
        ---------- keys
        experiment_id,
        variant,

        ---------- attributes
        experiment_name,
        surface,
        control_variant,
        decision,
        decision = 'ship' and ship_rank = 1 as is_winning_variant,
        is_significant,
        has_sample_ratio_mismatch,
        has_planned_sample,
        planned_sample_per_variant,
        alpha,
        comparison_alpha,
        power,
        minimum_lift,

        ---------- timestamps (UTC)
        started_at,
        ended_at,
        look_date as latest_look_date,
        first_significant_date,

        ---------- measures
        control_units,
        control_conversions,
        treatment_units,
        treatment_conversions,
        control_rate,
        treatment_rate,
        rate_difference,
        difference_ci_low,
        difference_ci_high,
        {{ safe_divide('rate_difference', 'control_rate') }} as relative_lift,
        {{ safe_divide('difference_ci_low', 'control_rate') }} as relative_lift_ci_low,
        {{ safe_divide('difference_ci_high', 'control_rate') }} as relative_lift_ci_high,
        p_value,
        always_valid_p_value,
        sample_ratio_p_value,
        minimum_detectable_difference,
        {{ safe_divide('minimum_detectable_difference', 'control_rate') }}
            as minimum_detectable_lift,
        {{ safe_divide('least(control_units, treatment_units)', 'planned_sample_per_variant') }}
            as sample_progress

    from ranked

)

select * from final
