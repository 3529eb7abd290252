with

base_leads as (

    select * from {{ ref('base_crm__leads').include(database=false) }}

),

staged_leads as (

    select * from base_leads
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        lead_id,

        ---------- foreign keys
        campaign_id,
        student_id,

        ---------- attributes
        source_channel,
        stage,
        lead_score,

        ---------- timestamps (UTC)
        created_at,
        qualified_at,
        converted_at,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id

    from staged_leads

)

select * from final
