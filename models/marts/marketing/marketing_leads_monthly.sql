{#- One row per calendar month (UTC) with leads entering the CRM: how many, the share sales
    qualified (lead quality) and the share that paid within the conversion window
    (lead-to-customer rate), all of the month's leads. -#}
with

leads as (

    select * from {{ ref('int_leads_converted') }}

),

monthly as (

    select
        created_month_start as month_start,
        count(*) as leads,
        sum(case when is_qualified then 1 else 0 end) as qualified_leads,
        sum(case when is_customer_in_window then 1 else 0 end) as customers_in_window,
        sum(case when student_id is not null then 1 else 0 end) as signed_up_leads,
        sum(case when source_channel = 'influencer' then 1 else 0 end) as influencer_leads
    from leads
    group by created_month_start

),

final as (

    select
        ---------- keys
        month_start,

        ---------- attributes
        month_start = max(month_start) over () as is_partial_month,

        ---------- measures
        cast(leads as {{ dbt.type_bigint() }}) as leads,
        cast(qualified_leads as {{ dbt.type_bigint() }}) as qualified_leads,
        cast(signed_up_leads as {{ dbt.type_bigint() }}) as signed_up_leads,
        cast(customers_in_window as {{ dbt.type_bigint() }}) as customers_in_window,
        cast(influencer_leads as {{ dbt.type_bigint() }}) as influencer_leads,
        {{ safe_divide('qualified_leads', 'leads') }} as lead_quality_rate,
        {{ safe_divide('customers_in_window', 'leads') }} as lead_to_customer_rate
    from monthly

)

select * from final
