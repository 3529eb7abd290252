{#- A spine of days from the first to the newest day of student activity, signup or web session
    in the data. The days come from commerce_day_series, the project's one day-spine macro (also
    behind int_exchange_rates_daily). -#}
with

student_activity as (

    select * from {{ ref('int_student_activity_daily') }}

),

students as (

    select * from {{ ref('int_students_summarized') }}

),

sessions as (

    select * from {{ ref('int_sessions_attributed') }}

),

data_days as (

    select date_day from student_activity
    union all
    select cast(signed_up_at as date) as date_day from students
    union all
    -- Anonymous web sessions can come before the first signup or student activity.
    select date_day from sessions

),

bounds as (

    select
        min(date_day) as first_day,
        max(date_day) as last_day
    from data_days

),

date_spine as (

    {{ commerce_day_series('bounds', 'first_day', 'last_day') }}

),

days as (

    select
        date_day,
        cast({{ learning_date_part('isodow', 'date_day') }} as {{ dbt.type_int() }})
            as day_of_week
    from date_spine

),

final as (

    select
        ---------- keys
        date_day,

        ---------- attributes
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
        cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start,
        cast({{ dbt.date_trunc('year', 'date_day') }} as date) as year_start,
        cast({{ learning_date_part('year', 'date_day') }} as {{ dbt.type_int() }}) as year_number,
        cast({{ learning_date_part('quarter', 'date_day') }} as {{ dbt.type_int() }})
            as quarter_of_year,
        cast({{ learning_date_part('month', 'date_day') }} as {{ dbt.type_int() }})
            as month_of_year,
        {{ learning_month_name(learning_date_part('month', 'date_day')) }} as month_name,
        cast({{ learning_date_part('isoyear', 'date_day') }} as {{ dbt.type_int() }}) as iso_year,
        cast({{ learning_date_part('week', 'date_day') }} as {{ dbt.type_int() }})
            as iso_week_of_year,
        cast({{ learning_date_part('day', 'date_day') }} as {{ dbt.type_int() }})
            as day_of_month,
        cast({{ learning_date_part('doy', 'date_day') }} as {{ dbt.type_int() }}) as day_of_year,
        day_of_week,
        {{ learning_day_name('day_of_week') }} as day_name,
        day_of_week in (6, 7) as is_weekend

    from days

)

select * from final
