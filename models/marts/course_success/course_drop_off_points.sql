{#- Lesson positions run 0 (never started) to the course's last position; 1000 is the highest
    position the landing contract accepts. -#}
with

enrollments as {{ inline_cte() }} (

    select * from {{ ref('fct_enrollments') }}

),

numbers as (

    {{ dbt.generate_series(1000) }}

),

course_enrollments as (

    select
        course_id,
        max(course_last_lesson_position) as course_last_lesson_position,
        count(*) as course_enrollments
    from enrollments
    group by course_id

),

positions as (

    -- dbt's generic series computes its numbers with power(), a double on some engines
    select cast(0 as {{ dbt.type_bigint() }}) as lesson_position
    union all
    select cast(generated_number as {{ dbt.type_bigint() }}) as lesson_position from numbers

),

course_positions as (

    select
        course_enrollments.course_id,
        positions.lesson_position,
        course_enrollments.course_enrollments
    from course_enrollments
    inner join positions
        on positions.lesson_position <= coalesce(course_enrollments.course_last_lesson_position, 0)

),

furthest_positions as (

    select
        course_id,
        coalesce(furthest_lesson_position, 0) as lesson_position,
        count(*) as furthest_enrollments,
        sum(case when is_completed then 0 else 1 end) as dropped_enrollments
    from enrollments
    group by course_id, coalesce(furthest_lesson_position, 0)

),

counted as (

    select
        course_positions.course_id,
        course_positions.lesson_position,
        course_positions.course_enrollments,
        coalesce(furthest_positions.furthest_enrollments, 0) as furthest_enrollments,
        coalesce(furthest_positions.dropped_enrollments, 0) as dropped_enrollments,
        -- Enrollments that got at least this far: those whose furthest lesson is here or later.
        sum(coalesce(furthest_positions.furthest_enrollments, 0)) over (
            partition by course_positions.course_id
            order by course_positions.lesson_position desc
            rows between unbounded preceding and current row
        ) as reached_enrollments
    from course_positions
    left join furthest_positions
        on
            course_positions.course_id = furthest_positions.course_id
            and course_positions.lesson_position = furthest_positions.lesson_position

),

final as (

    select
        ---------- keys
        {{ surrogate_key(['course_id', 'lesson_position']) }} as course_lesson_position_id,

        ---------- foreign keys
        course_id,

        ---------- attributes
        cast(lesson_position as {{ dbt.type_bigint() }}) as lesson_position,
        lesson_position = 0 as is_never_started,
        -- Among the lessons (position 0, never started, is reported apart).
        lesson_position > 0
        and dropped_enrollments > 0
        and dropped_enrollments = max(
            case when lesson_position > 0 then dropped_enrollments end
        ) over (partition by course_id) as is_top_drop_off_point,

        ---------- measures
        cast(course_enrollments as {{ dbt.type_bigint() }}) as course_enrollments,
        cast(reached_enrollments as {{ dbt.type_bigint() }}) as reached_enrollments,
        cast(furthest_enrollments as {{ dbt.type_bigint() }}) as furthest_enrollments,
        cast(dropped_enrollments as {{ dbt.type_bigint() }}) as dropped_enrollments,
        {{ safe_divide('reached_enrollments', 'course_enrollments') }} as reached_share,
        {{ safe_divide('furthest_enrollments', 'course_enrollments') }} as furthest_lesson_share,
        {{ safe_divide('dropped_enrollments', 'course_enrollments') }} as drop_off_share

    from counted

)

select * from final
