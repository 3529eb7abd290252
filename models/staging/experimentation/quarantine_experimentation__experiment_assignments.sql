with

base_experiment_assignments as (

    select * from {{ ref('base_experimentation__experiment_assignments').include(database=false) }}

),

quarantined_experiment_assignments as (

    select * from base_experiment_assignments
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        assignment_id,
        experiment_id,
        variant,
        unit_id,
        assigned_at,
        converted_at,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_experiment_assignments

)

select * from final
