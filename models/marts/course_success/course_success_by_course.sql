with

courses as (

    select * from {{ ref('dim_courses') }}

),

enrollments as (

    select * from {{ ref('fct_enrollments') }}

),

survey_responses as (

    select * from {{ ref('int_survey_responses_scored') }}

),

enrollment_success as (

    select
        course_id,
        {{ learning_enrollment_success_measures() }}
    from enrollments
    group by course_id

),

survey_scores as (

    select
        course_id,
        {{ learning_survey_measures() }}
    from survey_responses
    group by course_id

),

final as (

    select
        ---------- keys
        courses.course_id,

        ---------- attributes
        courses.course_title,
        courses.category,
        courses.course_status,

        ---------- measures
        cast(coalesce(enrollment_success.enrollments, 0) as {{ dbt.type_bigint() }})
            as enrollments,
        cast(coalesce(enrollment_success.started_enrollments, 0) as {{ dbt.type_bigint() }})
            as started_enrollments,
        cast(coalesce(enrollment_success.completed_enrollments, 0) as {{ dbt.type_bigint() }})
            as completed_enrollments,
        cast(coalesce(enrollment_success.certified_enrollments, 0) as {{ dbt.type_bigint() }})
            as certified_enrollments,
        enrollment_success.completion_rate,
        enrollment_success.module_completion_rate,
        enrollment_success.assignment_submission_rate,
        enrollment_success.certification_rate,
        enrollment_success.video_watch_rate,
        enrollment_success.avg_days_to_completion,
        enrollment_success.median_days_to_completion,
        cast(coalesce(survey_scores.survey_responses, 0) as {{ dbt.type_bigint() }})
            as survey_responses,
        cast(coalesce(survey_scores.promoters, 0) as {{ dbt.type_bigint() }}) as promoters,
        cast(coalesce(survey_scores.passives, 0) as {{ dbt.type_bigint() }}) as passives,
        cast(coalesce(survey_scores.detractors, 0) as {{ dbt.type_bigint() }}) as detractors,
        survey_scores.nps,
        survey_scores.csat_rate,
        survey_scores.avg_csat_score,
        survey_scores.avg_survey_course_rating,
        cast(courses.review_count as {{ dbt.type_bigint() }}) as review_count,
        cast(courses.average_rating as {{ dbt.type_float() }}) as avg_review_rating

    from courses
    left join enrollment_success
        on courses.course_id = enrollment_success.course_id
    left join survey_scores
        on courses.course_id = survey_scores.course_id

)

select * from final
