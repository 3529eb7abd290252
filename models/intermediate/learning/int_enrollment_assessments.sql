{#- One row per staged enrollment with its assessments: the first pre-test and the last post-test
    (their scores and the points between them), and its final project: when first submitted and
    when first passed, and whether that was within the project window (var
    project_completion_window_days) of enrolling. -#}
with

enrollments as (

    select * from {{ ref('stg_learning__enrollments') }}

),

assessments as {{ inline_cte() }} (

    select * from {{ ref('stg_learning__assessments') }}

),

-- a retaken test: the pre-test measures the student before the course (the first attempt), the
-- post-test what they kept (the last)
tests_ranked as (

    select
        enrollment_id,
        assessment_type,
        score,
        submitted_at,
        row_number() over (
            partition by enrollment_id, assessment_type
            order by
                case when assessment_type = 'pre_test' then submitted_at end asc,
                case when assessment_type = 'post_test' then submitted_at end desc,
                assessment_id
        ) as attempt_rank
    from assessments
    where assessment_type in ('pre_test', 'post_test')

),

tests as (

    select
        enrollment_id,
        max(case when assessment_type = 'pre_test' then score end) as pre_test_score,
        max(case when assessment_type = 'pre_test' then submitted_at end) as pre_test_at,
        max(case when assessment_type = 'post_test' then score end) as post_test_score,
        max(case when assessment_type = 'post_test' then submitted_at end) as post_test_at
    from tests_ranked
    where attempt_rank = 1
    group by enrollment_id

),

projects as (

    select
        enrollment_id,
        min(submitted_at) as project_submitted_at,
        min(case when is_passed then submitted_at end) as project_passed_at
    from assessments
    where assessment_type = 'final_project'
    group by enrollment_id

),

joined as (

    select
        enrollments.enrollment_id,
        enrollments.student_id,
        enrollments.course_id,
        enrollments.enrolled_at,
        tests.pre_test_score,
        tests.pre_test_at,
        tests.post_test_score,
        tests.post_test_at,
        projects.project_submitted_at,
        projects.project_passed_at
    from enrollments
    left join tests
        on enrollments.enrollment_id = tests.enrollment_id
    left join projects
        on enrollments.enrollment_id = projects.enrollment_id

),

final as (

    select
        ---------- keys
        enrollment_id,

        ---------- foreign keys
        student_id,
        course_id,

        ---------- attributes
        pre_test_score is not null and post_test_score is not null as has_both_tests,
        coalesce(
            project_passed_at <= {{ dbt.dateadd(
                'day', var('project_completion_window_days'), 'enrolled_at'
            ) }},
            false
        ) as is_project_passed_in_window,

        ---------- timestamps (UTC)
        enrolled_at,
        cast({{ dbt.date_trunc('month', 'enrolled_at') }} as date) as enrolled_month_start,
        pre_test_at,
        post_test_at,
        cast({{ dbt.date_trunc('month', 'post_test_at') }} as date) as post_test_month_start,
        project_submitted_at,
        project_passed_at,

        ---------- measures
        pre_test_score,
        post_test_score,
        post_test_score - pre_test_score as score_improvement

    from joined

)

select * from final
