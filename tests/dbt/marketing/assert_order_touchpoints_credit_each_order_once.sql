{#- Every paid order is credited exactly once by each attribution model: one first touch, one
    last touch, linear credits adding up to 1 and touch numbers 1..n. Returns the orders that are
    not. -#}
with

touchpoints as (

    select * from {{ ref('fct_order_touchpoints') }}

),

per_order as (

    select
        order_id,
        count(*) as touches,
        max(touches_in_window) as touches_in_window,
        max(touch_number) as last_touch_number,
        sum(case when is_first_touch then 1 else 0 end) as first_touches,
        sum(case when is_last_touch then 1 else 0 end) as last_touches,
        sum(case when is_order_session then 1 else 0 end) as order_sessions,
        sum(linear_credit) as linear_credit
    from touchpoints
    group by order_id

)

select * from per_order
where
    first_touches != 1
    or last_touches != 1
    or order_sessions > 1
    or touches != touches_in_window
    or last_touch_number != touches
    or abs(linear_credit - 1) > 0.000001
