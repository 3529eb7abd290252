with

dates as (

    select * from {{ ref('dim_dates') }}

),

enrollments as (

    select * from {{ ref('fct_enrollments') }}

),

survey_responses as (

    select * from {{ ref('int_survey_responses_scored') }}

),

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

-- The cohort windows of the catalog (maturity_days): completion and certification count only
-- when they happen within this many days of enrollment, so a cohort's rate is final once every
-- enrollment in it has had that long, and it never restates afterwards.
cohort_windows as (

    select
        max(case when kpi_id = 'cs_completion_rate' then maturity_days end)
            as completion_window_days,
        max(case when kpi_id = 'cs_certification_rate' then maturity_days end)
            as certification_window_days
    from catalog

),

months as (

    select distinct month_start from dates

),

cohort_success as (

    select
        cast({{ dbt.date_trunc('month', 'enrolled_at') }} as date) as month_start,
        {{ learning_enrollment_success_measures() }}
    from enrollments
    group by cast({{ dbt.date_trunc('month', 'enrolled_at') }} as date)

),

enrollment_ages as (

    select
        cast({{ dbt.date_trunc('month', 'enrolled_at') }} as date) as month_start,
        {{ dbt.datediff('enrolled_at', 'completed_at', 'second') }}
            as seconds_to_completion,
        {{ dbt.datediff('enrolled_at', 'certificate_issued_at', 'second') }}
            as seconds_to_certificate
    from enrollments

),

enrollments_in_window as (

    select
        enrollment_ages.month_start,
        case
            when enrollment_ages.seconds_to_completion
                <= cohort_windows.completion_window_days * 86400
                then 1
            else 0
        end as is_completed_in_window,
        case
            when enrollment_ages.seconds_to_certificate
                <= cohort_windows.certification_window_days * 86400
                then 1
            else 0
        end as is_certified_in_window
    from enrollment_ages
    cross join cohort_windows

),

cohort_windowed as (

    select
        month_start,
        sum(is_completed_in_window) as completed_in_window_enrollments,
        sum(is_certified_in_window) as certified_in_window_enrollments,
        {{ safe_divide('sum(is_completed_in_window)', 'count(*)') }} as completion_rate_in_window,
        {{ safe_divide('sum(is_certified_in_window)', 'count(*)') }}
            as certification_rate_in_window
    from enrollments_in_window
    group by month_start

),

completions as (

    select
        cast({{ dbt.date_trunc('month', 'completed_at') }} as date) as month_start,
        count(*) as completions_in_month
    from enrollments
    where completed_at is not null
    group by cast({{ dbt.date_trunc('month', 'completed_at') }} as date)

),

certificates as (

    select
        cast({{ dbt.date_trunc('month', 'certificate_issued_at') }} as date) as month_start,
        count(*) as certificates_issued
    from enrollments
    where certificate_issued_at is not null
    group by cast({{ dbt.date_trunc('month', 'certificate_issued_at') }} as date)

),

survey_scores as (

    select
        cast({{ dbt.date_trunc('month', 'submitted_at') }} as date) as month_start,
        {{ learning_survey_measures() }}
    from survey_responses
    group by cast({{ dbt.date_trunc('month', 'submitted_at') }} as date)

),

final as (

    select
        ---------- keys
        months.month_start,

        ---------- measures
        cast(coalesce(cohort_success.enrollments, 0) as {{ dbt.type_bigint() }})
            as enrollments,
        cast(coalesce(cohort_success.started_enrollments, 0) as {{ dbt.type_bigint() }})
            as started_enrollments,
        cast(coalesce(cohort_success.completed_enrollments, 0) as {{ dbt.type_bigint() }})
            as completed_enrollments,
        cast(coalesce(cohort_success.certified_enrollments, 0) as {{ dbt.type_bigint() }})
            as certified_enrollments,
        cohort_success.completion_rate,
        cohort_success.module_completion_rate,
        cohort_success.assignment_submission_rate,
        cohort_success.certification_rate,
        cohort_success.video_watch_rate,
        cohort_windows.completion_window_days,
        cohort_windows.certification_window_days,
        cast(
            coalesce(cohort_windowed.completed_in_window_enrollments, 0) as {{ dbt.type_bigint() }}
        ) as completed_in_window_enrollments,
        cast(
            coalesce(cohort_windowed.certified_in_window_enrollments, 0) as {{ dbt.type_bigint() }}
        ) as certified_in_window_enrollments,
        cohort_windowed.completion_rate_in_window,
        cohort_windowed.certification_rate_in_window,
        cohort_success.avg_days_to_completion,
        cohort_success.median_days_to_completion,
        cast(coalesce(completions.completions_in_month, 0) as {{ dbt.type_bigint() }})
            as completions_in_month,
        cast(coalesce(certificates.certificates_issued, 0) as {{ dbt.type_bigint() }})
            as certificates_issued,
        cast(coalesce(survey_scores.survey_responses, 0) as {{ dbt.type_bigint() }})
            as survey_responses,
        cast(coalesce(survey_scores.promoters, 0) as {{ dbt.type_bigint() }}) as promoters,
        cast(coalesce(survey_scores.passives, 0) as {{ dbt.type_bigint() }}) as passives,
        cast(coalesce(survey_scores.detractors, 0) as {{ dbt.type_bigint() }}) as detractors,
        survey_scores.nps,
        survey_scores.csat_rate,
        survey_scores.avg_csat_score,
        survey_scores.avg_survey_course_rating

    from months
    left join cohort_success
        on months.month_start = cohort_success.month_start
    left join cohort_windowed
        on months.month_start = cohort_windowed.month_start
    left join completions
        on months.month_start = completions.month_start
    left join certificates
        on months.month_start = certificates.month_start
    left join survey_scores
        on months.month_start = survey_scores.month_start
    cross join cohort_windows

)

select * from final
