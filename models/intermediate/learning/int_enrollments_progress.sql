{#- Incremental (one row per enrollment). Deriving every enrollment is cheap next to writing 1.2M
    rows at scale 1.0, and few change in a day (its inputs: the enrollment, its module progress,
    the student's time zone, the course's category and curriculum, the first certificate). So a
    run derives every enrollment and writes only those whose row differs from the one it holds,
    stamped for fct_enrollments; afterwards it drops the enrollments staging no longer has. -#}
{{ config(
    materialized=incremental_materialization(by_partition=true),
    unique_key='enrollment_id',
    incremental_strategy=partition_incremental_strategy(),
    partition_by=partition_columns('_written_at'),
    on_schema_change='fail',
    post_hook=[
        "{% if is_incremental() and may_hold_keys_no_longer_in(ref('stg_learning__enrollments')) %}"
        ~ "{{ delete_keys_no_longer_in(ref('stg_learning__enrollments'), 'enrollment_id') }}"
        ~ "{% endif %}",
    ],
) }}

with

enrollments as (

    select * from {{ ref('stg_learning__enrollments') }}

),

students as (

    select * from {{ ref('stg_marketplace__students') }}

),

courses as (

    select * from {{ ref('stg_marketplace__courses') }}

),

lessons as {{ inline_cte() }} (

    select * from {{ ref('stg_learning__lessons') }}

),

certificates as (

    select * from {{ ref('stg_learning__certificates') }}

),

module_activity as {{ inline_cte() }} (

    select * from {{ ref('int_enrollment_module_progress') }}

),

-- A re-issued certificate (a second delivery with a new certificate_id) must not fan the
-- enrollment out: the first certificate issued is the one that counts.
ranked_certificates as (

    select
        enrollment_id,
        certificate_id,
        issued_at,
        row_number() over (
            partition by enrollment_id
            order by issued_at, certificate_id
        ) as certificate_rank
    from certificates

),

first_certificates as (

    select
        enrollment_id,
        certificate_id,
        issued_at
    from ranked_certificates
    where certificate_rank = 1

),

course_curriculum as (

    select
        course_id,
        count(*) as lessons_total,
        count(distinct module_number) as modules_total,
        sum(video_seconds) as video_seconds_total,
        sum(case when lesson_type = 'quiz' then 1 else 0 end) as quizzes_available,
        sum(case when lesson_type = 'assignment' then 1 else 0 end) as assignments_available,
        max(lesson_position) as course_last_lesson_position
    from lessons
    group by course_id

),

module_sizes as (

    select
        course_id,
        module_number,
        count(*) as module_lessons
    from lessons
    group by course_id, module_number

),

module_progress as (

    select
        module_activity.enrollment_id,
        module_activity.module_number,
        case
            when sum(module_activity.lessons_completed) = max(module_sizes.module_lessons)
                then 1
            else 0
        end as is_module_completed
    from module_activity
    inner join module_sizes
        on
            module_activity.course_id = module_sizes.course_id
            and module_activity.module_number = module_sizes.module_number
    group by module_activity.enrollment_id, module_activity.module_number

),

modules_completed as (

    select
        enrollment_id,
        sum(is_module_completed) as modules_completed
    from module_progress
    group by enrollment_id

),

enrollment_progress as (

    select
        enrollment_id,
        min(first_activity_at) as first_activity_at,
        max(last_activity_at) as last_activity_at,
        sum(lessons_completed) as lessons_completed,
        sum(video_seconds_watched) as video_seconds_watched,
        sum(video_seconds_opened) as video_seconds_opened,
        sum(quizzes_submitted) as quizzes_submitted,
        sum(assignments_reached) as assignments_reached,
        sum(assignments_submitted) as assignments_submitted,
        max(furthest_lesson_position) as furthest_lesson_position
    from module_activity
    group by enrollment_id

),

derived as (

    select
        ---------- keys
        enrollments.enrollment_id,

        ---------- foreign keys
        enrollments.student_id,
        enrollments.course_id,
        enrollments.order_item_id,

        ---------- attributes
        courses.category as course_category,
        enrollments.access_type,
        students.time_zone as student_time_zone,
        enrollment_progress.enrollment_id is not null as is_started,
        enrollments.completed_at is not null as is_completed,
        first_certificates.certificate_id is not null as is_certified,
        enrollment_progress.furthest_lesson_position,
        course_curriculum.course_last_lesson_position,

        ---------- timestamps (UTC)
        enrollments.enrolled_at,
        enrollment_progress.first_activity_at,
        enrollment_progress.last_activity_at,
        enrollments.completed_at,
        first_certificates.issued_at as certificate_issued_at,

        ---------- measures
        cast(
            coalesce(course_curriculum.lessons_total, 0) as {{ dbt.type_bigint() }}
        ) as lessons_total,
        cast(
            coalesce(enrollment_progress.lessons_completed, 0) as {{ dbt.type_bigint() }}
        ) as lessons_completed,
        cast(
            coalesce(course_curriculum.modules_total, 0) as {{ dbt.type_bigint() }}
        ) as modules_total,
        cast(
            coalesce(modules_completed.modules_completed, 0) as {{ dbt.type_bigint() }}
        ) as modules_completed,
        cast(
            coalesce(course_curriculum.video_seconds_total, 0) as {{ dbt.type_bigint() }}
        ) as video_seconds_total,
        cast(
            coalesce(enrollment_progress.video_seconds_opened, 0) as {{ dbt.type_bigint() }}
        ) as video_seconds_opened,
        cast(
            coalesce(enrollment_progress.video_seconds_watched, 0) as {{ dbt.type_bigint() }}
        ) as video_seconds_watched,
        cast(
            coalesce(course_curriculum.quizzes_available, 0) as {{ dbt.type_bigint() }}
        ) as quizzes_available,
        cast(
            coalesce(enrollment_progress.quizzes_submitted, 0) as {{ dbt.type_bigint() }}
        ) as quizzes_submitted,
        cast(
            coalesce(course_curriculum.assignments_available, 0) as {{ dbt.type_bigint() }}
        ) as assignments_available,
        cast(
            coalesce(enrollment_progress.assignments_reached, 0) as {{ dbt.type_bigint() }}
        ) as assignments_reached,
        cast(
            coalesce(enrollment_progress.assignments_submitted, 0) as {{ dbt.type_bigint() }}
        ) as assignments_submitted,
        enrollments.progress_pct as reported_progress_pct,
        -- a double before dividing: a decimal quotient keeps 7 digits on Spark
        {{ dbt.cast(
            dbt.datediff('enrollments.enrolled_at', 'enrollments.completed_at', 'second'),
            dbt.type_float()
        ) }} / 86400 as days_to_completion,

        ---------- lineage
        {{ written_at_stamp() }} as _written_at

    from enrollments
    left join students
        on enrollments.student_id = students.student_id
    left join courses
        on enrollments.course_id = courses.course_id
    left join course_curriculum
        on enrollments.course_id = course_curriculum.course_id
    left join enrollment_progress
        on enrollments.enrollment_id = enrollment_progress.enrollment_id
    left join modules_completed
        on enrollments.enrollment_id = modules_completed.enrollment_id
    left join first_certificates
        on enrollments.enrollment_id = first_certificates.enrollment_id

),

-- in an incremental run, the enrollments new or derived otherwise than held
final as (

    {% if is_incremental() %}
    {{ rows_differing_from_held('derived', 'enrollment_id') }}
    {% else %}
    select * from derived
    {% endif %}

)

select * from final
