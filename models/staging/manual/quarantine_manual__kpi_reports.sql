with

base_kpi_reports as (

    select * from {{ ref('base_manual__kpi_reports').include(database=false) }}

),

quarantined_kpi_reports as (

    select * from base_kpi_reports
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        report_id,
        kpi_id,
        period,
        value,
        reported_by,
        reported_at,
        source,
        verified_by,
        verified_at,
        note,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_kpi_reports

)

select * from final
