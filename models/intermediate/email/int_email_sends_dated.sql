{#- One row per staged email send with the ISO week (Monday, UTC) it went out in. -#}
with

email_sends as (

    select * from {{ ref('stg_email__email_sends') }}

),

final as (

    select
        ---------- keys
        email_id,

        ---------- attributes
        email_type,
        subject,

        ---------- timestamps (UTC)
        sent_at,
        cast({{ dbt.date_trunc('week', 'sent_at') }} as date) as week_start,

        ---------- measures
        recipients,
        delivered,
        unique_opens,
        unique_clicks,
        unsubscribes

    from email_sends

)

select * from final
