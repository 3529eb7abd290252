{#- One row per ISO week (Monday, UTC) with email sends: what was delivered, opened and clicked,
    and the open, click and unsubscribe rates of the week's emails. -#}
with

email_sends as (

    select * from {{ ref('int_email_sends_dated') }}

),

weekly as (

    select
        week_start,
        count(*) as sends,
        sum(recipients) as recipients,
        sum(delivered) as delivered,
        sum(unique_opens) as unique_opens,
        sum(unique_clicks) as unique_clicks,
        sum(unsubscribes) as unsubscribes
    from email_sends
    group by week_start

),

final as (

    select
        ---------- keys
        week_start,

        ---------- attributes
        week_start = max(week_start) over () as is_partial_week,

        ---------- measures
        cast(sends as {{ dbt.type_bigint() }}) as sends,
        cast(recipients as {{ dbt.type_bigint() }}) as recipients,
        cast(delivered as {{ dbt.type_bigint() }}) as delivered,
        cast(unique_opens as {{ dbt.type_bigint() }}) as unique_opens,
        cast(unique_clicks as {{ dbt.type_bigint() }}) as unique_clicks,
        cast(unsubscribes as {{ dbt.type_bigint() }}) as unsubscribes,
        {{ safe_divide('unique_opens', 'delivered') }} as open_rate,
        {{ safe_divide('unique_clicks', 'delivered') }} as click_rate,
        {{ safe_divide('unique_clicks', 'unique_opens') }} as click_to_open_rate,
        {{ safe_divide('unsubscribes', 'delivered') }} as unsubscribe_rate
    from weekly

)

select * from final
