with

base_kpi_reports as (

    select * from {{ ref('base_manual__kpi_reports').include(database=false) }}

),

staged_kpi_reports as (

    select * from base_kpi_reports
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        report_id,

        ---------- foreign keys
        kpi_id,

        ---------- attributes
        period as period_label,
        reported_by,
        source as value_source,
        verified_by,
        note,

        ---------- timestamps (UTC)
        reported_at,
        verified_at,

        ---------- measures
        value as reported_value,

        ---------- lineage
        _loaded_at,
        _source_file,
        _batch_id

    from staged_kpi_reports

)

select * from final
