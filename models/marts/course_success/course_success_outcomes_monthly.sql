{#- One row per calendar month (UTC) with learning outcomes: the knowledge gained between pre- and
    post-test by the enrollments that took their post-test in the month, and the share of the
    month's enrollment cohort that passed its final project within the project window. -#}
with

enrollment_assessments as {{ inline_cte() }} (

    select * from {{ ref('int_enrollment_assessments') }}

),

tested as (

    select
        post_test_month_start as month_start,
        count(*) as tested_enrollments,
        avg(pre_test_score) as avg_pre_test_score,
        avg(post_test_score) as avg_post_test_score,
        avg(score_improvement) as avg_score_improvement
    from enrollment_assessments
    where has_both_tests
    group by post_test_month_start

),

cohorts as (

    select
        enrolled_month_start as month_start,
        count(*) as enrollments,
        sum(case when project_submitted_at is not null then 1 else 0 end)
            as project_submitting_enrollments,
        sum(case when is_project_passed_in_window then 1 else 0 end)
            as project_passed_in_window_enrollments
    from enrollment_assessments
    group by enrolled_month_start

),

months as (

    select month_start from tested
    union
    select month_start from cohorts

),

joined as (

    select
        months.month_start,
        coalesce(tested.tested_enrollments, 0) as tested_enrollments,
        tested.avg_pre_test_score,
        tested.avg_post_test_score,
        tested.avg_score_improvement,
        coalesce(cohorts.enrollments, 0) as enrollments,
        coalesce(cohorts.project_submitting_enrollments, 0) as project_submitting_enrollments,
        coalesce(cohorts.project_passed_in_window_enrollments, 0)
            as project_passed_in_window_enrollments
    from months
    left join tested
        on months.month_start = tested.month_start
    left join cohorts
        on months.month_start = cohorts.month_start

),

final as (

    select
        ---------- keys
        month_start,

        ---------- attributes
        month_start = max(month_start) over () as is_partial_month,

        ---------- measures
        cast(tested_enrollments as {{ dbt.type_bigint() }}) as tested_enrollments,
        cast(avg_pre_test_score as {{ dbt.type_float() }}) as avg_pre_test_score,
        cast(avg_post_test_score as {{ dbt.type_float() }}) as avg_post_test_score,
        cast(avg_score_improvement as {{ dbt.type_float() }}) as avg_score_improvement,
        cast(enrollments as {{ dbt.type_bigint() }}) as enrollments,
        cast(project_submitting_enrollments as {{ dbt.type_bigint() }})
            as project_submitting_enrollments,
        cast(project_passed_in_window_enrollments as {{ dbt.type_bigint() }})
            as project_passed_in_window_enrollments,
        {{ safe_divide('project_passed_in_window_enrollments', 'enrollments') }}
            as project_completion_rate
    from joined

)

select * from final
