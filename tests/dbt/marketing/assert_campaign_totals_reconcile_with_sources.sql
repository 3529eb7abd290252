{#- The campaign marts lose and invent nothing: in total, spend equals the platforms' reported
    spend, leads equal the signups carrying a campaign code, and attributed revenue equals the
    net revenue of paid orders placed in campaign sessions (to the cent). Returns a row per
    measure that differs. -#}
with

overall as (

    select * from {{ ref('campaign_performance_overall') }}

),

campaign_metrics as (

    select * from {{ ref('stg_marketing__campaign_metrics') }}

),

students as (

    select * from {{ ref('stg_marketplace__students') }}

),

tracking_codes as (

    select * from {{ ref('int_campaign_tracking_codes') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

sessions as (

    select * from {{ ref('int_sessions_attributed') }}

),

expected as (

    select
        (select sum(spend_usd) from campaign_metrics) as spend_usd,
        (
            select count(*)
            from students
            inner join tracking_codes
                on students.utm_campaign = tracking_codes.utm_campaign
        ) as leads,
        (
            select coalesce(sum(orders.net_collected_usd), 0)
            from orders
            inner join sessions
                on orders.session_id = sessions.session_id
            where sessions.campaign_id is not null and orders.has_succeeded_payment
        ) as attributed_revenue_usd

),

comparison as (

    select
        'spend_usd' as measure,
        overall.spend_usd as mart_value,
        expected.spend_usd as source_value
    from overall cross join expected

    union all

    select
        'leads' as measure,
        overall.leads as mart_value,
        expected.leads as source_value
    from overall cross join expected

    union all

    select
        'attributed_revenue_usd' as measure,
        overall.attributed_revenue_usd as mart_value,
        expected.attributed_revenue_usd as source_value
    from overall cross join expected

)

select * from comparison
where round(mart_value, 2) != round(source_value, 2)
