{#- One row per event source a KPI reads: how many rows it staged, and the first and last UTC
    day of their business time. A source without a staged row has no data, so a KPI over it is
    "no data", never zero; quarantined rows do not count, being no evidence of what the source
    would have said. -#}
with

orders as (

    select * from {{ ref('stg_marketplace__orders') }}

),

payments as (

    select * from {{ ref('stg_marketplace__payments') }}

),

refunds as (

    select * from {{ ref('stg_marketplace__refunds') }}

),

ad_spend as (

    select * from {{ ref('stg_marketing__ad_spend') }}

),

campaign_metrics as (

    select * from {{ ref('stg_marketing__campaign_metrics') }}

),

enrollments as (

    select * from {{ ref('stg_learning__enrollments') }}

),

lesson_activity as (

    select * from {{ ref('stg_learning__lesson_activity') }}

),

certificates as (

    select * from {{ ref('stg_learning__certificates') }}

),

surveys as (

    select * from {{ ref('stg_learning__surveys') }}

),

sessions as (

    select * from {{ ref('stg_web_analytics__sessions') }}

),

subscription_events as (

    select * from {{ ref('stg_billing__subscription_events') }}

),

tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

email_sends as (

    select * from {{ ref('stg_email__email_sends') }}

),

mentions as (

    select * from {{ ref('stg_social__mentions') }}

),

branded_searches as (

    select * from {{ ref('stg_social__branded_searches') }}

),

assessments as (

    select * from {{ ref('stg_learning__assessments') }}

),

referrals as (

    select * from {{ ref('stg_crm__referrals') }}

),

posts as (

    select * from {{ ref('stg_community__posts') }}

),

installment_plans as (

    select * from {{ ref('stg_billing__installment_plans') }}

),

experiment_assignments as (

    select * from {{ ref('stg_experimentation__experiment_assignments') }}

),

kpi_reports as (

    select * from {{ ref('stg_manual__kpi_reports') }}

),

-- one aggregate per source; an empty source still gives a row (min and max of nothing are null)
spans as (

    select
        'marketplace.orders' as source_entity,
        cast(min(ordered_at) as date) as first_day,
        cast(max(ordered_at) as date) as last_day,
        count(*) as staged_rows
    from orders
    union all
    select
        'marketplace.payments' as source_entity,
        cast(min(attempted_at) as date) as first_day,
        cast(max(attempted_at) as date) as last_day,
        count(*) as staged_rows
    from payments
    union all
    select
        'marketplace.refunds' as source_entity,
        cast(min(refunded_at) as date) as first_day,
        cast(max(refunded_at) as date) as last_day,
        count(*) as staged_rows
    from refunds
    union all
    select
        'marketing.ad_spend' as source_entity,
        cast(min(spend_date) as date) as first_day,
        cast(max(spend_date) as date) as last_day,
        count(*) as staged_rows
    from ad_spend
    union all
    select
        'marketing.campaign_metrics' as source_entity,
        cast(min(metric_date) as date) as first_day,
        cast(max(metric_date) as date) as last_day,
        count(*) as staged_rows
    from campaign_metrics
    union all
    select
        'learning.enrollments' as source_entity,
        cast(min(enrolled_at) as date) as first_day,
        cast(max(enrolled_at) as date) as last_day,
        count(*) as staged_rows
    from enrollments
    union all
    select
        'learning.lesson_activity' as source_entity,
        cast(min(occurred_at) as date) as first_day,
        cast(max(occurred_at) as date) as last_day,
        count(*) as staged_rows
    from lesson_activity
    union all
    select
        'learning.certificates' as source_entity,
        cast(min(issued_at) as date) as first_day,
        cast(max(issued_at) as date) as last_day,
        count(*) as staged_rows
    from certificates
    union all
    select
        'learning.surveys' as source_entity,
        cast(min(submitted_at) as date) as first_day,
        cast(max(submitted_at) as date) as last_day,
        count(*) as staged_rows
    from surveys
    union all
    select
        'web_analytics.sessions' as source_entity,
        cast(min(started_at) as date) as first_day,
        cast(max(started_at) as date) as last_day,
        count(*) as staged_rows
    from sessions
    union all
    select
        'billing.subscription_events' as source_entity,
        cast(min(occurred_at) as date) as first_day,
        cast(max(occurred_at) as date) as last_day,
        count(*) as staged_rows
    from subscription_events
    union all
    select
        'support.tickets' as source_entity,
        cast(min(created_at) as date) as first_day,
        cast(max(created_at) as date) as last_day,
        count(*) as staged_rows
    from tickets
    union all
    select
        'crm.leads' as source_entity,
        cast(min(created_at) as date) as first_day,
        cast(max(created_at) as date) as last_day,
        count(*) as staged_rows
    from leads
    union all
    select
        'email.email_sends' as source_entity,
        cast(min(sent_at) as date) as first_day,
        cast(max(sent_at) as date) as last_day,
        count(*) as staged_rows
    from email_sends
    union all
    select
        'social.mentions' as source_entity,
        cast(min(mentioned_at) as date) as first_day,
        cast(max(mentioned_at) as date) as last_day,
        count(*) as staged_rows
    from mentions
    union all
    select
        'social.branded_searches' as source_entity,
        min(search_date) as first_day,
        max(search_date) as last_day,
        count(*) as staged_rows
    from branded_searches
    union all
    select
        'learning.assessments' as source_entity,
        cast(min(submitted_at) as date) as first_day,
        cast(max(submitted_at) as date) as last_day,
        count(*) as staged_rows
    from assessments
    union all
    select
        'crm.referrals' as source_entity,
        cast(min(referred_at) as date) as first_day,
        cast(max(referred_at) as date) as last_day,
        count(*) as staged_rows
    from referrals
    union all
    select
        'community.posts' as source_entity,
        cast(min(posted_at) as date) as first_day,
        cast(max(posted_at) as date) as last_day,
        count(*) as staged_rows
    from posts
    union all
    select
        'billing.installment_plans' as source_entity,
        cast(min(started_at) as date) as first_day,
        cast(max(started_at) as date) as last_day,
        count(*) as staged_rows
    from installment_plans
    union all
    select
        'experimentation.experiment_assignments' as source_entity,
        cast(min(assigned_at) as date) as first_day,
        cast(max(assigned_at) as date) as last_day,
        count(*) as staged_rows
    from experiment_assignments
    union all
    select
        'manual.kpi_reports' as source_entity,
        cast(min(reported_at) as date) as first_day,
        cast(max(reported_at) as date) as last_day,
        count(*) as staged_rows
    from kpi_reports

),

final as (

    select
        ---------- keys
        source_entity,

        ---------- timestamps (UTC days)
        first_day,
        last_day,

        ---------- measures
        staged_rows

    from spans

)

select * from final
