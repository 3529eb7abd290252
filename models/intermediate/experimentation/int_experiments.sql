{#- The experiment registry with what its decision rule derives from it before the test starts:
    each treatment is compared with the control at the test's alpha split between its comparisons
    (Bonferroni), and the z values of that alpha (two-sided) and of the power the test was sized
    for. -#}
with

experiments as (

    select * from {{ ref('stg_experimentation__experiments') }}

),

comparisons as (

    select
        *,
        alpha / (variants - 1) as comparison_alpha
    from experiments

),

final as (

    select
        ---------- keys
        experiment_id,

        ---------- attributes
        experiment_name,
        hypothesis,
        surface,
        control_variant,
        variants,
        planned_sample_per_variant,
        alpha,
        comparison_alpha,
        power,
        minimum_lift,
        {{ normal_quantile('1 - comparison_alpha / 2') }} as critical_z,
        {{ normal_quantile('power') }} as power_z,

        ---------- timestamps (UTC)
        registered_at,
        started_at,
        ended_at

    from comparisons

)

select * from final
