{#- One row per course price change that stands alone in its windows (int_course_price_changes):
    the course's paid units in the var price_elasticity_window_days days before and after the day
    of the change (that day itself is left out: both prices sold on it), the marketplace's in the
    same windows, and the units the course would have sold after at its old price, had it kept
    its share of the marketplace (expected_units_after). Its after window complete once the as-of
    day is past it. -#}
with

price_changes as {{ inline_cte() }} (

    select * from {{ ref('int_course_price_changes') }}

),

order_items as (

    select * from {{ ref('fct_order_items') }}

),

as_of as (

    select * from {{ ref('data_as_of_day') }}

),

paid_items as (

    select
        course_id,
        cast(ordered_at as date) as ordered_date
    from order_items
    where has_succeeded_payment

),

course_daily as (

    select
        course_id,
        ordered_date,
        count(*) as units
    from paid_items
    group by course_id, ordered_date

),

marketplace_daily as (

    select
        ordered_date,
        count(*) as units
    from paid_items
    group by ordered_date

),

windows as (

    select
        price_change_id,
        course_id,
        effective_date,
        cast({{ dbt.dateadd(
            'day', -var('price_elasticity_window_days'), 'effective_date'
        ) }} as date) as before_start_date,
        cast({{ dbt.dateadd(
            'day', var('price_elasticity_window_days'), 'effective_date'
        ) }} as date) as after_end_date
    from price_changes
    where is_isolated

),

-- each day of a window, marked before or after the change day (which is in neither)
course_window_days as (

    select
        windows.price_change_id,
        course_daily.units,
        course_daily.ordered_date < windows.effective_date as is_before,
        course_daily.ordered_date > windows.effective_date as is_after
    from windows
    inner join course_daily
        on
            windows.course_id = course_daily.course_id
            and windows.before_start_date <= course_daily.ordered_date
            and windows.after_end_date >= course_daily.ordered_date

),

marketplace_window_days as (

    select
        windows.price_change_id,
        marketplace_daily.units,
        marketplace_daily.ordered_date < windows.effective_date as is_before,
        marketplace_daily.ordered_date > windows.effective_date as is_after
    from windows
    inner join marketplace_daily
        on
            windows.before_start_date <= marketplace_daily.ordered_date
            and windows.after_end_date >= marketplace_daily.ordered_date

),

course_units as (

    select
        price_change_id,
        sum(case when is_before then units else 0 end) as course_units_before,
        sum(case when is_after then units else 0 end) as course_units_after
    from course_window_days
    group by price_change_id

),

marketplace_units as (

    select
        price_change_id,
        sum(case when is_before then units else 0 end) as marketplace_units_before,
        sum(case when is_after then units else 0 end) as marketplace_units_after
    from marketplace_window_days
    group by price_change_id

),

joined as (

    select
        price_changes.price_change_id,
        price_changes.course_id,
        price_changes.currency_code,
        price_changes.effective_at,
        windows.effective_date,
        price_changes.previous_list_price,
        price_changes.list_price,
        price_changes.log_price_ratio,
        windows.after_end_date < as_of.as_of_day as is_window_complete,
        coalesce(course_units.course_units_before, 0) as course_units_before,
        coalesce(course_units.course_units_after, 0) as course_units_after,
        coalesce(marketplace_units.marketplace_units_before, 0) as marketplace_units_before,
        coalesce(marketplace_units.marketplace_units_after, 0) as marketplace_units_after
    from windows
    inner join price_changes
        on windows.price_change_id = price_changes.price_change_id
    left join course_units
        on windows.price_change_id = course_units.price_change_id
    left join marketplace_units
        on windows.price_change_id = marketplace_units.price_change_id
    cross join as_of

),

final as (

    select
        ---------- keys
        price_change_id,

        ---------- foreign keys
        course_id,

        ---------- attributes
        currency_code,
        is_window_complete,

        ---------- timestamps (UTC)
        effective_at,
        effective_date,
        cast({{ dbt.date_trunc('month', 'effective_date') }} as date) as effective_month_start,

        ---------- measures
        previous_list_price,
        list_price,
        log_price_ratio,
        cast(course_units_before as {{ dbt.type_bigint() }}) as course_units_before,
        cast(course_units_after as {{ dbt.type_bigint() }}) as course_units_after,
        cast(marketplace_units_before as {{ dbt.type_bigint() }}) as marketplace_units_before,
        cast(marketplace_units_after as {{ dbt.type_bigint() }}) as marketplace_units_after,
        course_units_before
        * {{ safe_divide('marketplace_units_after', 'marketplace_units_before') }}
            as expected_units_after

    from joined

)

select * from final
