{#- Incremental (one row per enrollment): a run derives again the enrollments
    int_enrollments_progress wrote since its last run, and every enrollment when the catalog's
    cohort windows differ from the ones held; afterwards it drops the enrollments upstream no
    longer has. -#}
{{ config(
    materialized=incremental_materialization(by_partition=true),
    unique_key='enrollment_id',
    incremental_strategy=partition_incremental_strategy(),
    partition_by=partition_columns('_written_at'),
    on_schema_change='fail',
    post_hook=[
        "{{ record_watermark(ref('int_enrollments_progress')) }}",
        "{% if is_incremental() and may_hold_keys_no_longer_in(ref('int_enrollments_progress')) %}"
        ~ "{{ delete_keys_no_longer_in(ref('int_enrollments_progress'), 'enrollment_id') }}"
        ~ "{% endif %}",
    ],
) }}

with

enrollments as (

    select * from {{ ref('int_enrollments_progress') }}

),

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

-- The catalog's cohort windows (maturity_days of the completion and certification KPIs): an
-- enrollment counts as completed / certified for its cohort's rates only within this many days
-- of enrolling, so a cohort's rate is final once the window has passed and never restates.
cohort_windows as (

    select
        max(case when kpi_id = 'cs_completion_rate' then maturity_days end)
            as completion_window_days,
        max(case when kpi_id = 'cs_certification_rate' then maturity_days end)
            as certification_window_days
    from catalog

),

{% if is_incremental() %}

-- the held rows' cohort windows that the catalog no longer gives: every row is derived again
windows_changed as (

    select count(*) as held_windows_changed
    from (
        select distinct
            completion_window_days,
            certification_window_days
        from {{ this }}
    ) as held
    cross join cohort_windows
    where
        held.completion_window_days is distinct from cohort_windows.completion_window_days
        or held.certification_window_days is distinct from cohort_windows.certification_window_days

),

{% endif %}

-- the enrollments to derive: all of them in a full build
enrollments_to_derive as (

    select * from enrollments
    {% if is_incremental() %}
        where
            {{ written_since_last_run() }}
            or (select windows_changed.held_windows_changed from windows_changed) > 0
    {% endif %}

),

localized as (

    select
        enrollments_to_derive.*,
        -- Students without a known time zone are bucketed in UTC.
        {{ learning_to_local_timestamp('enrolled_at', "coalesce(student_time_zone, 'UTC')") }}
            as enrolled_at_local,
        coalesce(
            {{ dbt.datediff('enrolled_at', 'completed_at', 'second') }}
            <= cohort_windows.completion_window_days * 86400,
            false
        ) as is_completed_in_window,
        coalesce(
            {{ dbt.datediff('enrolled_at', 'certificate_issued_at', 'second') }}
            <= cohort_windows.certification_window_days * 86400,
            false
        ) as is_certified_in_window,
        cohort_windows.completion_window_days,
        cohort_windows.certification_window_days
    from enrollments_to_derive
    cross join cohort_windows

),

final as (

    select
        ---------- keys
        enrollment_id,

        ---------- foreign keys
        student_id,
        course_id,
        order_item_id,
        cast(enrolled_at as date) as enrolled_date,

        ---------- attributes
        course_category,
        access_type,
        student_time_zone,
        is_started,
        is_completed,
        is_certified,
        is_completed_in_window,
        is_certified_in_window,
        completion_window_days,
        certification_window_days,
        furthest_lesson_position,
        course_last_lesson_position,
        cast(enrolled_at_local as date) as enrolled_local_date,
        cast({{ learning_date_part('hour', 'enrolled_at_local') }} as {{ dbt.type_int() }})
            as enrolled_local_hour,
        cast({{ learning_date_part('isodow', 'enrolled_at_local') }} as {{ dbt.type_int() }})
            as enrolled_local_day_of_week,

        ---------- timestamps (UTC unless _local)
        enrolled_at,
        enrolled_at_local,
        first_activity_at,
        last_activity_at,
        completed_at,
        certificate_issued_at,

        ---------- measures
        lessons_total,
        lessons_completed,
        modules_total,
        modules_completed,
        video_seconds_total,
        video_seconds_opened,
        video_seconds_watched,
        quizzes_available,
        quizzes_submitted,
        assignments_available,
        assignments_reached,
        assignments_submitted,
        reported_progress_pct,
        days_to_completion,
        {{ safe_divide('lessons_completed', 'lessons_total') }} as lesson_completion_rate,
        {{ safe_divide('video_seconds_watched', 'video_seconds_opened') }} as video_watch_rate,

        ---------- lineage
        {{ written_at_stamp() }} as _written_at

    from localized

)

select * from final
