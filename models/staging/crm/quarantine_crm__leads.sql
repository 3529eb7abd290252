with

base_leads as (

    select * from {{ ref('base_crm__leads').include(database=false) }}

),

quarantined_leads as (

    select * from base_leads
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        lead_id,
        created_at,
        source_channel,
        campaign_id,
        student_id,
        stage,
        lead_score,
        qualified_at,
        converted_at,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_leads

)

select * from final
