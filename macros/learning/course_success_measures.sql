{#- The course-success aggregates, written once for every grain that reports them (per course,
    per month). Both macros are select-list fragments over a group of rows; the caller supplies
    the from and group by. -#}

{#- Over rows of fct_enrollments (one per enrollment). Rates are fractions 0-1, null when there
    is nothing to divide by (no enrollments, no modules, no assignments reached). -#}
{% macro learning_enrollment_success_measures() -%}
        count(*) as enrollments,
        sum(case when is_started then 1 else 0 end) as started_enrollments,
        sum(case when is_completed then 1 else 0 end) as completed_enrollments,
        sum(case when is_certified then 1 else 0 end) as certified_enrollments,
        {{ safe_divide('sum(case when is_completed then 1 else 0 end)', 'count(*)') }}
            as completion_rate,
        {{ safe_divide('sum(modules_completed)', 'sum(modules_total)') }}
            as module_completion_rate,
        {{ safe_divide('sum(assignments_submitted)', 'sum(assignments_reached)') }}
            as assignment_submission_rate,
        {{ safe_divide('sum(case when is_certified then 1 else 0 end)', 'count(*)') }}
            as certification_rate,
        {{ safe_divide('sum(video_seconds_watched)', 'sum(video_seconds_opened)') }}
            as video_watch_rate,
        avg(days_to_completion) as avg_days_to_completion,
        percentile_cont(0.5) within group (order by days_to_completion)
            as median_days_to_completion
{%- endmacro %}

{#- Over rows of int_survey_responses_scored (one per response). NPS = % promoters - %
    detractors, a number from -100 to 100 (all passives: 0); CSAT = share of responses scoring
    4-5. Both null when there are no responses. -#}
{% macro learning_survey_measures() -%}
        count(*) as survey_responses,
        sum(case when is_promoter then 1 else 0 end) as promoters,
        sum(case when is_passive then 1 else 0 end) as passives,
        sum(case when is_detractor then 1 else 0 end) as detractors,
        100 * {{ safe_divide(
            'sum(case when is_promoter then 1 else 0 end)'
            ~ ' - sum(case when is_detractor then 1 else 0 end)',
            'count(*)'
        ) }} as nps,
        {{ safe_divide('sum(case when is_satisfied then 1 else 0 end)', 'count(*)') }}
            as csat_rate,
        avg(csat_score) as avg_csat_score,
        avg(course_rating) as avg_survey_course_rating
{%- endmacro %}
