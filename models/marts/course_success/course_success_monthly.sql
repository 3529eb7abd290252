with

dates as (

    select * from {{ ref('dim_dates') }}

),

enrollments as {{ inline_cte() }} (

    select * from {{ ref('fct_enrollments') }}

),

survey_responses as (

    select * from {{ ref('int_survey_responses_scored') }}

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

-- the catalog's cohort windows, as fct_enrollments applies them
cohort_windows as (

    select
        max(completion_window_days) as completion_window_days,
        max(certification_window_days) as certification_window_days
    from enrollments

),

-- Completion and certification within the catalog's cohort windows (fct_enrollments): a
-- cohort's rate is final once every enrollment in it has had that long, and never restates.
cohort_windowed as (

    select
        cast({{ dbt.date_trunc('month', 'enrolled_at') }} as date) as month_start,
        count(case when is_completed_in_window then 1 end) as completed_in_window_enrollments,
        count(case when is_certified_in_window then 1 end) as certified_in_window_enrollments,
        {{ safe_divide('count(case when is_completed_in_window then 1 end)', 'count(*)') }}
            as completion_rate_in_window,
        {{ safe_divide('count(case when is_certified_in_window then 1 end)', 'count(*)') }}
            as certification_rate_in_window
    from enrollments
    group by cast({{ dbt.date_trunc('month', 'enrolled_at') }} as date)

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
