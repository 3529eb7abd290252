{#- One row per paid order and each web session that touched it: the student's sessions that
    started in the attribution window (var attribution_window_days) up to the order, and the
    order's own session. The order's session is its last touch (the tracked checkout), whatever
    started after it; a paid order no session touched gets one `untracked` row, so every model's
    credits add up to the order. Credits per model: first touch, last touch, linear (equal).

    Incremental (one row per order and touch; 4.9M rows at scale 1.0, 6.6 s to derive whole). A
    run derives again the orders fct_orders wrote since its last run, the paid orders a session
    fct_sessions wrote since could touch (same student, within the window after it, or the
    order's own session), and the orders holding a touch of a session upstream no longer has,
    stamped `_written_at`; afterwards it drops the orders fct_orders no longer has as paid. On
    Spark the table is partitioned by `_written_at` like the chains: a run adds the orders it
    derived as one partition and the post-hook prunes the rows they supersede. -#}
{{ config(
    materialized=incremental_materialization(by_partition=true),
    unique_key='order_id',
    incremental_strategy=partition_incremental_strategy(),
    partition_by=partition_columns('_written_at'),
    on_schema_change='fail',
    post_hook=[
        "{{ record_watermark(ref('fct_orders'), ref('fct_sessions')) }}",
        "{% if is_incremental() %}"
        ~ "{{ delete_keys_no_longer_in("
        ~ "ref('fct_orders'), 'order_id', 'upstream.has_succeeded_payment'"
        ~ ") }}"
        ~ "{% endif %}",
    ],
) }}

with

orders as {{ inline_cte() }} (

    select * from {{ ref('fct_orders') }}

),

sessions as {{ inline_cte() }} (

    select * from {{ ref('fct_sessions') }}

),

{% if is_incremental() %}

sessions_written_since as (

    select
        session_id,
        student_id,
        started_at
    from sessions
    where {{ written_since_last_run() }}

),

orders_touched_since as (

    select orders.order_id
    from orders
    inner join sessions_written_since
        on
            orders.student_id = sessions_written_since.student_id
            and {{ in_attribution_window('orders.ordered_at', 'sessions_written_since.started_at') }}
    union all
    select orders.order_id
    from orders
    inner join sessions_written_since
        on orders.session_id = sessions_written_since.session_id

),

-- held touches of a session upstream no longer has
orders_of_lost_sessions as (

    select distinct held.order_id
    from {{ this }} as held
    where
        held.session_id is not null
        and not exists (
            select 1
            from sessions
            where sessions.session_id = held.session_id
        )

),

orders_to_derive as (

    select order_id from orders
    where {{ written_since_last_run() }}
    union
    select order_id from orders_touched_since
    union
    select order_id from orders_of_lost_sessions

),

{% endif %}

paid_orders as (

    select
        order_id,
        student_id,
        session_id as order_session_id,
        ordered_at,
        order_month_start,
        net_collected_usd
    from orders
    where has_succeeded_payment
    {% if is_incremental() %}
        and order_id in (select orders_to_derive.order_id from orders_to_derive)
    {% endif %}

),

window_touches as {{ inline_cte() }} (

    select
        paid_orders.order_id,
        sessions.session_id,
        sessions.campaign_id,
        sessions.channel,
        sessions.started_at,
        sessions.session_id = paid_orders.order_session_id as is_order_session
    from paid_orders
    inner join sessions
        on
            paid_orders.student_id = sessions.student_id
            and {{ in_attribution_window('paid_orders.ordered_at', 'sessions.started_at') }}

),

-- orders with a session of their own the window join did not find: few, so the sessions are
-- probed with a small table of their keys (at scale 5 probing every paid order's session took 69 s
-- of a 72 s query, to keep none)
orders_of_sessions_outside_window as (

    select
        paid_orders.order_id,
        paid_orders.order_session_id
    from paid_orders
    where
        paid_orders.order_session_id is not null
        and not exists (
            select 1
            from window_touches
            where
                window_touches.order_id = paid_orders.order_id
                and window_touches.is_order_session
        )

),

-- an order's own session the window join missed (another student's or outside the window): an
-- export can say so, and the order's session is its last touch all the same
order_sessions_outside_window as (

    select
        orders_of_sessions_outside_window.order_id,
        sessions.session_id,
        sessions.campaign_id,
        sessions.channel,
        sessions.started_at,
        true as is_order_session
    from orders_of_sessions_outside_window
    inner join sessions
        on orders_of_sessions_outside_window.order_session_id = sessions.session_id

),

touches as (

    select * from window_touches
    union all
    select * from order_sessions_outside_window

),

-- the order's own session sorts last: it is the touch the order was placed in
numbered as (

    select
        order_id,
        session_id,
        campaign_id,
        channel,
        started_at,
        is_order_session,
        row_number() over (
            partition by order_id
            order by case when is_order_session then 1 else 0 end, started_at, session_id
        ) as touch_number,
        count(*) over (partition by order_id) as touches_in_window
    from touches

),

final as (

    select
        ---------- keys
        paid_orders.order_id,
        cast(coalesce(numbered.touch_number, 1) as {{ dbt.type_bigint() }}) as touch_number,

        ---------- foreign keys
        numbered.session_id,
        paid_orders.student_id,
        numbered.campaign_id,

        ---------- attributes
        coalesce(numbered.channel, 'untracked') as channel,
        coalesce(numbered.is_order_session, false) as is_order_session,
        coalesce(numbered.touch_number, 1) = 1 as is_first_touch,
        coalesce(numbered.touch_number = numbered.touches_in_window, true) as is_last_touch,

        ---------- timestamps
        numbered.started_at as touched_at,
        paid_orders.ordered_at,
        paid_orders.order_month_start,

        ---------- measures
        cast(coalesce(numbered.touches_in_window, 1) as {{ dbt.type_bigint() }})
            as touches_in_window,
        cast(1 as {{ dbt.type_float() }}) / coalesce(numbered.touches_in_window, 1)
            as linear_credit,
        cast(paid_orders.net_collected_usd as decimal(18, 2)) as order_net_revenue_usd,

        ---------- lineage
        {{ written_at_stamp() }} as _written_at

    from paid_orders
    left join numbered
        on paid_orders.order_id = numbered.order_id

)

select * from final
