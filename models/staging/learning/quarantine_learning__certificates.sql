with

base_certificates as (

    select * from {{ ref('base_learning__certificates').include(database=false) }}

),

quarantined_certificates as (

    select * from base_certificates
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        certificate_id,
        enrollment_id,
        issued_at,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_certificates

)

select * from final
