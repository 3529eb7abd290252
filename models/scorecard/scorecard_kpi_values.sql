{#- One row per catalog KPI and period with its value, from one committed union: a kpi_value()
    per catalog KPI naming the mart (imported below), its value column, its sample column and,
    when not month_start, its period column (tests/test_scorecard_layer.py checks these match
    seeds/kpi_catalog.csv one for one). Adding a KPI is a catalog row and a kpi_value() here. A KPI
    whose required sources (catalog required_sources) have no staged row has no value, whatever
    its mart says. -#}
with

catalog as {{ inline_cte() }} (

    select * from {{ ref('kpi_catalog') }}

),

source_coverage as (

    select * from {{ ref('data_source_coverage') }}

),

revenue_monthly as (

    select * from {{ ref('revenue_monthly') }}

),

revenue_price_elasticity_monthly as (

    select * from {{ ref('revenue_price_elasticity_monthly') }}

),

business_subscriptions_monthly as (

    select * from {{ ref('business_subscriptions_monthly') }}

),

business_customer_economics_monthly as (

    select * from {{ ref('business_customer_economics_monthly') }}

),

engagement_active_students_monthly as (

    select * from {{ ref('engagement_active_students_monthly') }}

),

engagement_community_monthly as (

    select * from {{ ref('engagement_community_monthly') }}

),

engagement_active_students_weekly as (

    select * from {{ ref('engagement_active_students_weekly') }}

),

engagement_active_students_daily as (

    select * from {{ ref('engagement_active_students_daily') }}

),

engagement_new_vs_returning_monthly as (

    select * from {{ ref('engagement_new_vs_returning_monthly') }}

),

platform_traffic_daily as (

    select * from {{ ref('platform_traffic_daily') }}

),

course_success_monthly as (

    select * from {{ ref('course_success_monthly') }}

),

course_success_outcomes_monthly as (

    select * from {{ ref('course_success_outcomes_monthly') }}

),

instructors_monthly as (

    select * from {{ ref('instructors_monthly') }}

),

scorecard_portfolio_monthly as (

    select * from {{ ref('scorecard_portfolio_monthly') }}

),

scorecard_campaigns_monthly as (

    select * from {{ ref('scorecard_campaigns_monthly') }}

),

scorecard_data_quality as (

    select * from {{ ref('scorecard_data_quality') }}

),

business_customer_economics_quarterly as (

    select * from {{ ref('business_customer_economics_quarterly') }}

),

business_upsell_monthly as (

    select * from {{ ref('business_upsell_monthly') }}

),

business_payment_plans_monthly as (

    select * from {{ ref('business_payment_plans_monthly') }}

),

marketing_acquisition_monthly as (

    select * from {{ ref('marketing_acquisition_monthly') }}

),

marketing_influencer_sales_monthly as (

    select * from {{ ref('marketing_influencer_sales_monthly') }}

),

support_monthly as (

    select * from {{ ref('support_monthly') }}

),

marketing_leads_monthly as (

    select * from {{ ref('marketing_leads_monthly') }}

),

marketing_referrals_monthly as (

    select * from {{ ref('marketing_referrals_monthly') }}

),

marketing_email_weekly as (

    select * from {{ ref('marketing_email_weekly') }}

),

manual_kpi_values as (

    select * from {{ ref('manual_kpi_values') }}

),

marketing_brand_monthly as (

    select * from {{ ref('marketing_brand_monthly') }}

),

source_values as (

    {{ kpi_value('rev_revenue', 'revenue_monthly', 'revenue_usd') }}
    union all
    {{ kpi_value('rev_revenue_yoy_growth', 'revenue_monthly', 'revenue_yoy_growth_rate') }}
    union all
    {{ kpi_value(
        'rev_average_order_value', 'revenue_monthly',
        'average_order_value_usd', 'paid_orders'
    ) }}
    union all
    {{ kpi_value('rev_refund_rate', 'revenue_monthly', 'refund_rate', 'paid_orders') }}
    union all
    {{ kpi_value(
        'rev_payment_success_rate', 'revenue_monthly',
        'payment_success_rate', 'payment_attempts'
    ) }}
    union all
    {{ kpi_value('biz_mrr', 'business_subscriptions_monthly', 'mrr_usd') }}
    union all
    {{ kpi_value('biz_mrr_growth', 'business_subscriptions_monthly', 'mrr_growth_rate') }}
    union all
    {{ kpi_value(
        'biz_customer_churn', 'business_subscriptions_monthly',
        'customer_churn_rate', 'subscribers_at_start'
    ) }}
    union all
    {{ kpi_value(
        'biz_cac', 'business_customer_economics_monthly',
        'cac_usd', 'new_paying_customers'
    ) }}
    union all
    {{ kpi_value(
        'biz_clv_to_cac', 'business_customer_economics_monthly',
        'clv_to_cac_ratio', 'new_paying_customers'
    ) }}
    union all
    {{ kpi_value(
        'biz_new_paying_customers', 'business_customer_economics_monthly',
        'new_paying_customers'
    ) }}
    union all
    {{ kpi_value(
        'biz_upsell_rate', 'business_upsell_monthly', 'upsell_rate', 'buyers_to_date'
    ) }}
    union all
    {{ kpi_value(
        'rev_price_elasticity', 'revenue_price_elasticity_monthly',
        'price_elasticity', 'price_changes'
    ) }}
    union all
    {{ kpi_value(
        'biz_payment_plan_adoption', 'business_payment_plans_monthly',
        'payment_plan_adoption_rate', 'buying_students'
    ) }}
    union all
    {{ kpi_value(
        'mkt_enrollment_growth', 'marketing_acquisition_monthly', 'enrollment_growth_rate'
    ) }}
    union all
    {{ kpi_value(
        'mkt_cost_per_enrollment', 'marketing_acquisition_monthly',
        'cost_per_enrollment_usd', 'new_enrolled_students'
    ) }}
    union all
    {{ kpi_value('mkt_lead_quality', 'marketing_leads_monthly', 'lead_quality_rate', 'leads') }}
    union all
    {{ kpi_value(
        'mkt_lead_to_customer', 'marketing_leads_monthly', 'lead_to_customer_rate', 'leads'
    ) }}
    union all
    {{ kpi_value(
        'mkt_referral_rate', 'marketing_referrals_monthly', 'referral_rate', 'new_students'
    ) }}
    union all
    {{ kpi_value(
        'mkt_email_open_rate', 'marketing_email_weekly',
        'open_rate', 'delivered', period_column='week_start'
    ) }}
    union all
    {{ kpi_value(
        'mkt_email_click_rate', 'marketing_email_weekly',
        'click_rate', 'delivered', period_column='week_start'
    ) }}
    union all
    {{ kpi_value(
        'mkt_share_of_voice', 'marketing_brand_monthly', 'share_of_voice', 'tracked_mentions'
    ) }}
    union all
    {{ kpi_value('mkt_brand_mentions', 'marketing_brand_monthly', 'brand_mentions') }}
    union all
    {{ kpi_value(
        'mkt_brand_sentiment', 'marketing_brand_monthly', 'brand_sentiment_rate', 'brand_mentions'
    ) }}
    union all
    {{ kpi_value('mkt_branded_searches', 'marketing_brand_monthly', 'branded_searches') }}
    union all
    {{ kpi_value(
        'mkt_enrollments_organic_search', 'marketing_acquisition_monthly', 'organic_search_new_students'
    ) }}
    union all
    {{ kpi_value(
        'mkt_enrollments_paid_search', 'marketing_acquisition_monthly', 'paid_search_new_students'
    ) }}
    union all
    {{ kpi_value(
        'mkt_enrollments_email', 'marketing_acquisition_monthly', 'email_new_students'
    ) }}
    union all
    {{ kpi_value(
        'mkt_enrollments_social', 'marketing_acquisition_monthly', 'social_new_students'
    ) }}
    union all
    {{ kpi_value(
        'mkt_enrollments_referral', 'marketing_acquisition_monthly', 'referral_new_students'
    ) }}
    union all
    {{ kpi_value(
        'eng_monthly_active_students', 'engagement_active_students_monthly',
        'active_students'
    ) }}
    union all
    {{ kpi_value(
        'eng_stickiness', 'engagement_active_students_monthly',
        'dau_mau_stickiness_rate'
    ) }}
    union all
    {{ kpi_value(
        'eng_weekly_active_students', 'engagement_active_students_weekly',
        'active_students', period_column='week_start'
    ) }}
    union all
    {{ kpi_value(
        'eng_daily_active_students', 'engagement_active_students_daily',
        'active_students', period_column='date_day'
    ) }}
    union all
    {{ kpi_value(
        'eng_returning_share', 'engagement_new_vs_returning_monthly',
        'returning_student_share', 'enrolling_or_purchasing_students'
    ) }}
    union all
    {{ kpi_value(
        'eng_community_participation', 'engagement_community_monthly',
        'community_participation_rate', 'active_students'
    ) }}
    union all
    {{ kpi_value(
        'eng_conversion_rate', 'platform_traffic_daily',
        'conversion_rate', 'sessions', period_column='date_day'
    ) }}
    union all
    {{ kpi_value(
        'eng_bounce_rate', 'platform_traffic_daily',
        'bounce_rate', 'sessions', period_column='date_day'
    ) }}
    union all
    {{ kpi_value(
        'cs_completion_rate', 'course_success_monthly',
        'completion_rate_in_window', 'enrollments'
    ) }}
    union all
    {{ kpi_value('cs_nps', 'course_success_monthly', 'nps', 'survey_responses') }}
    union all
    {{ kpi_value('cs_csat_rate', 'course_success_monthly', 'csat_rate', 'survey_responses') }}
    union all
    {{ kpi_value(
        'cs_avg_csat_score', 'course_success_monthly',
        'avg_csat_score', 'survey_responses'
    ) }}
    union all
    {{ kpi_value(
        'cs_certification_rate', 'course_success_monthly',
        'certification_rate_in_window', 'enrollments'
    ) }}
    union all
    {{ kpi_value(
        'cs_assignment_submission_rate', 'course_success_monthly',
        'assignment_submission_rate', 'started_enrollments'
    ) }}
    union all
    {{ kpi_value(
        'cs_video_watch_rate', 'course_success_monthly',
        'video_watch_rate', 'started_enrollments'
    ) }}
    union all
    {{ kpi_value(
        'cs_assessment_improvement', 'course_success_outcomes_monthly',
        'avg_score_improvement', 'tested_enrollments'
    ) }}
    union all
    {{ kpi_value(
        'cs_project_completion_rate', 'course_success_outcomes_monthly',
        'project_completion_rate', 'enrollments'
    ) }}
    union all
    {{ kpi_value('ins_active_instructors', 'instructors_monthly', 'active_instructors') }}
    union all
    {{ kpi_value(
        'ins_retention_rate', 'instructors_monthly',
        'instructor_retention_rate', 'prior_month_active_instructors'
    ) }}
    union all
    {{ kpi_value('ins_courses_created', 'instructors_monthly', 'courses_created') }}
    union all
    {{ kpi_value(
        'pf_courses_with_enrollments', 'scorecard_portfolio_monthly',
        'courses_with_enrollments'
    ) }}
    union all
    {{ kpi_value(
        'pf_top_category_share', 'scorecard_portfolio_monthly',
        'top_category_enrollment_share', 'enrollments'
    ) }}
    union all
    {{ kpi_value('cmp_roi', 'scorecard_campaigns_monthly', 'roi', 'campaigns') }}
    union all
    {{ kpi_value('cmp_ctr', 'scorecard_campaigns_monthly', 'ctr', 'impressions') }}
    union all
    {{ kpi_value(
        'cmp_engagement_rate', 'scorecard_campaigns_monthly',
        'engagement_rate', 'reach'
    ) }}
    union all
    {{ kpi_value('cmp_cpa', 'scorecard_campaigns_monthly', 'cpa_usd', 'converting_customers') }}
    union all
    {{ kpi_value(
        'cmp_direct_sales', 'marketing_influencer_sales_monthly',
        'direct_sales_usd', 'direct_orders'
    ) }}
    union all
    {{ kpi_value(
        'cmp_attributed_sales', 'marketing_influencer_sales_monthly',
        'influenced_sales_usd', 'influenced_orders'
    ) }}
    union all
    {{ kpi_value(
        'cmp_revenue_per_influencer', 'marketing_influencer_sales_monthly',
        'revenue_per_influencer_usd', 'direct_orders'
    ) }}
    union all
    {{ kpi_value(
        'cmp_cost_per_reach', 'marketing_influencer_sales_monthly', 'cost_per_reach_usd'
    ) }}
    union all
    {{ kpi_value(
        'sup_help_requests', 'support_monthly', 'help_requests_per_student', 'tickets_opened'
    ) }}
    union all
    {{ kpi_value(
        'sup_first_response_hours', 'support_monthly',
        'median_first_response_hours', 'answered_tickets'
    ) }}
    union all
    {{ kpi_value(
        'sup_support_rating', 'support_monthly', 'avg_satisfaction_score', 'rated_tickets'
    ) }}
    union all
    {{ kpi_value('dq_score', 'scorecard_data_quality', 'data_quality_score_rate') }}
    union all
    {{ kpi_value(
        'rev_revenue_quarterly', 'business_customer_economics_quarterly',
        'revenue_usd', period_column='quarter_start'
    ) }}
    union all
    {{ kpi_value(
        'biz_clv_quarterly', 'business_customer_economics_quarterly',
        'clv_usd', period_column='quarter_start'
    ) }}
    union all
    {{ kpi_value(
        'biz_clv_to_cac_quarterly', 'business_customer_economics_quarterly',
        'clv_to_cac_ratio', period_column='quarter_start'
    ) }}
    union all
    {{ kpi_value(
        'mkt_market_share', 'manual_kpi_values', 'reported_value',
        period_column='quarter_start', kpi_column='kpi_id'
    ) }}
    union all
    {{ kpi_value(
        'mkt_brand_awareness', 'manual_kpi_values', 'reported_value',
        period_column='quarter_start', kpi_column='kpi_id'
    ) }}
    union all
    {{ kpi_value(
        'mkt_industry_recognition', 'manual_kpi_values', 'reported_value',
        period_column='quarter_start', kpi_column='kpi_id'
    ) }}
    union all
    {{ kpi_value(
        'ops_platform_uptime', 'manual_kpi_values', 'reported_value',
        period_column='month_start', kpi_column='kpi_id'
    ) }}
    union all
    {{ kpi_value(
        'ppl_employee_satisfaction', 'manual_kpi_values', 'reported_value',
        period_column='quarter_start', kpi_column='kpi_id'
    ) }}

),

-- every period any KPI of a frequency has, for every KPI of that frequency: a KPI whose source
-- model has no row for a period still gets one (no data), rather than silently missing
frequency_periods as (

    select distinct
        catalog.frequency,
        source_values.period_start
    from source_values
    inner join catalog
        on source_values.kpi_id = catalog.kpi_id

),

kpi_periods as (

    select
        catalog.kpi_id,
        catalog.frequency,
        catalog.required_sources,
        frequency_periods.period_start
    from catalog
    inner join frequency_periods
        on catalog.frequency = frequency_periods.frequency

),

kpi_values as (

    select
        kpi_periods.kpi_id,
        kpi_periods.frequency,
        kpi_periods.required_sources,
        kpi_periods.period_start,
        source_values.actual_value,
        source_values.sample_size
    from kpi_periods
    left join source_values
        on
            kpi_periods.kpi_id = source_values.kpi_id
            and kpi_periods.period_start = source_values.period_start

),

-- the required sources of each KPI that have no staged row: the KPI has no data in any period
source_gaps as (

    select
        kpi_values.kpi_id,
        kpi_values.period_start,
        {{ dbt.listagg(
            dbt.concat(['source_coverage.source_entity', "' has no staged rows'"]),
            "'; '",
            'order by source_coverage.source_entity'
        ) }} as gap_reasons
    from kpi_values
    inner join source_coverage
        on
            {{ dbt.concat(["' '", 'kpi_values.required_sources', "' '"]) }}
            like {{ dbt.concat(["'% '", 'source_coverage.source_entity', "' %'"]) }}
    where source_coverage.staged_rows = 0
    group by kpi_values.kpi_id, kpi_values.period_start

),

final as (

    select
        ---------- keys
        kpi_values.kpi_id,
        kpi_values.period_start,

        ---------- attributes
        case
            when source_gaps.gap_reasons is not null
                then 'no data: ' || source_gaps.gap_reasons
            -- a manual KPI's complete period without an accepted report: awaiting it, then not
            -- reported; never a value carried forward
            when manual_kpi_values.missing_reason is not null
                then 'no data: ' || manual_kpi_values.missing_reason
        end as no_data_reason,

        ---------- measures
        case when source_gaps.gap_reasons is null then kpi_values.actual_value end as actual_value,
        case when source_gaps.gap_reasons is null then kpi_values.sample_size end as sample_size
    from kpi_values
    left join source_gaps
        on
            kpi_values.kpi_id = source_gaps.kpi_id
            and kpi_values.period_start = source_gaps.period_start
    left join manual_kpi_values
        on
            kpi_values.kpi_id = manual_kpi_values.kpi_id
            and kpi_values.period_start = manual_kpi_values.period_start

)

select * from final
