{#- One row per staged CRM lead with whether sales qualified it and whether it paid within the
    conversion window (var lead_conversion_window_days) of entering the CRM. -#}
with

leads as (

    select * from {{ ref('stg_crm__leads') }}

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
        qualified_at is not null as is_qualified,
        converted_at is not null as is_customer,
        coalesce(
            converted_at <= {{ dbt.dateadd(
                'day', var('lead_conversion_window_days'), 'created_at'
            ) }},
            false
        ) as is_customer_in_window,

        ---------- timestamps (UTC)
        created_at,
        qualified_at,
        converted_at,
        cast({{ dbt.date_trunc('month', 'created_at') }} as date) as created_month_start

    from leads

)

select * from final
