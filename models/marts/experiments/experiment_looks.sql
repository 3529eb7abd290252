{#- One row per experiment, treatment variant and daily look (UTC): the running totals of the
    treatment and the control at the day's end and the statistics of the comparison as read that
    day. The fixed-horizon p-value (pooled two-proportion z-test) is only valid at the planned
    size; the always-valid p-value (mSPRT, the running minimum over the looks so far) may be read
    every day. A test with several treatments splits its alpha between them (Bonferroni). The
    sample-ratio check compares the pair's split with the equal one the design promises. -#}
with

experiments as (

    select * from {{ ref('int_experiments') }}

),

variant_daily as {{ inline_cte() }} (

    select * from {{ ref('int_experiment_variant_daily') }}

),

pairs as (

    select
        treatment.experiment_id,
        treatment.variant,
        treatment.look_date,
        experiments.comparison_alpha,
        experiments.minimum_lift,
        cast(control.cumulative_units as {{ dbt.type_float() }}) as control_units,
        cast(control.cumulative_conversions as {{ dbt.type_float() }}) as control_conversions,
        cast(treatment.cumulative_units as {{ dbt.type_float() }}) as treatment_units,
        cast(treatment.cumulative_conversions as {{ dbt.type_float() }}) as treatment_conversions
    from variant_daily as treatment
    inner join experiments
        on treatment.experiment_id = experiments.experiment_id
    inner join variant_daily as control
        on
            treatment.experiment_id = control.experiment_id
            and treatment.look_date = control.look_date
            and experiments.control_variant = control.variant
    where treatment.variant != experiments.control_variant

),

rates as (

    select
        *,
        {{ safe_divide('control_conversions', 'control_units') }} as control_rate,
        {{ safe_divide('treatment_conversions', 'treatment_units') }} as treatment_rate,
        {{ safe_divide(
            'control_conversions + treatment_conversions', 'control_units + treatment_units'
        ) }} as pooled_rate
    from pairs

),

statistics as (

    select
        *,
        treatment_rate - control_rate as rate_difference,
        case
            when control_units > 0 and treatment_units > 0
                then
                    control_rate * (1 - control_rate) / control_units
                    + treatment_rate * (1 - treatment_rate) / treatment_units
        end as difference_variance,
        case
            when control_units > 0 and treatment_units > 0 and pooled_rate > 0 and pooled_rate < 1
                then
                    (treatment_rate - control_rate)
                    / sqrt(
                        pooled_rate * (1 - pooled_rate)
                        * (1 / control_units + 1 / treatment_units)
                    )
        end as z_statistic,
        case
            when control_units + treatment_units > 0
                then
                    (treatment_units - (control_units + treatment_units) / 2)
                    / sqrt((control_units + treatment_units) / 4)
        end as sample_ratio_z,
        (control_rate * minimum_lift) * (control_rate * minimum_lift) as mixing_variance
    from rates

),

look_p_values as (

    select
        *,
        {{ two_sided_p_value('z_statistic') }} as p_value,
        {{ two_sided_p_value('sample_ratio_z') }} as sample_ratio_p_value,
        {{ msprt_p_value('rate_difference', 'difference_variance', 'mixing_variance') }}
            as look_sequential_p_value
    from statistics

),

final as (

    select
        ---------- keys
        experiment_id,
        variant,
        look_date,

        ---------- attributes
        comparison_alpha,

        ---------- measures
        cast(control_units as {{ dbt.type_bigint() }}) as control_units,
        cast(control_conversions as {{ dbt.type_bigint() }}) as control_conversions,
        cast(treatment_units as {{ dbt.type_bigint() }}) as treatment_units,
        cast(treatment_conversions as {{ dbt.type_bigint() }}) as treatment_conversions,
        control_rate,
        treatment_rate,
        rate_difference,
        difference_variance,
        z_statistic,
        p_value,
        coalesce(
            min(look_sequential_p_value) over (
                partition by experiment_id, variant
                order by look_date
                rows between unbounded preceding and current row
            ),
            1.0
        ) as always_valid_p_value,
        sample_ratio_p_value

    from look_p_values

)

select * from final
