with

base_certificates as (

    select * from {{ ref('base_learning__certificates').include(database=false) }}

),

staged_certificates as (

    select * from base_certificates
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        certificate_id,

        ---------- foreign keys
        enrollment_id,

        ---------- timestamps (UTC)
        issued_at,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id

    from staged_certificates

)

select * from final
