with

enrollments as (

    select * from {{ ref('stg_learning__enrollments') }}

),

daily as (

    select
        course_id,
        cast(enrolled_at as date) as date_day,
        count(*) as enrollments,
        count(distinct student_id) as students,
        count(completed_at) as completed_enrollments,
        count(progress_pct) as enrollments_with_progress,
        sum(progress_pct) as progress_pct_sum
    from enrollments
    group by course_id, cast(enrolled_at as date)

),

final as (

    select
        ---------- keys
        {{ surrogate_key(['course_id', 'date_day']) }} as course_day_id,

        ---------- foreign keys
        course_id,

        ---------- attributes
        date_day,

        ---------- measures
        enrollments,
        students,
        completed_enrollments,
        enrollments_with_progress,
        progress_pct_sum

    from daily

)

select * from final
