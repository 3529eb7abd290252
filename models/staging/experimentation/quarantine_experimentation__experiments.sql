with

base_experiments as (

    select * from {{ ref('base_experimentation__experiments').include(database=false) }}

),

quarantined_experiments as (

    select * from base_experiments
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        experiment_id,
        experiment_name,
        hypothesis,
        surface,
        control_variant,
        variants,
        planned_sample_per_variant,
        alpha,
        power,
        minimum_lift,
        registered_at,
        started_at,
        ended_at,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_experiments

)

select * from final
