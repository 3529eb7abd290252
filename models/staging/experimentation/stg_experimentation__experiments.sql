with

base_experiments as (

    select * from {{ ref('base_experimentation__experiments').include(database=false) }}

),

staged_experiments as (

    select * from base_experiments
    where {{ is_staged_row() }}

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
        power,
        minimum_lift,

        ---------- timestamps (UTC)
        registered_at,
        started_at,
        ended_at,

        ---------- lineage
        _loaded_at,
        _source_file,
        _batch_id

    from staged_experiments

)

select * from final
