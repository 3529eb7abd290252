with

base_experiment_assignments as (

    select * from {{ ref('base_experimentation__experiment_assignments').include(database=false) }}

),

staged_experiment_assignments as (

    select * from base_experiment_assignments
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        assignment_id,

        ---------- foreign keys
        experiment_id,
        unit_id,

        ---------- attributes
        variant,

        ---------- timestamps (UTC)
        assigned_at,
        converted_at,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id

    from staged_experiment_assignments

)

select * from final
