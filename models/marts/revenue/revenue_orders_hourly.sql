{#- Orders by UTC day, hour of the day and student country: the tactical dashboard's orders and
    collected revenue, summed over the hours of the day elapsed and the countries selected. -#}
with

orders as (

    select * from {{ ref('fct_orders') }}

),

students as (

    select * from {{ ref('dim_students') }}

),

order_lines as (

    select
        cast(orders.ordered_at as date) as date_day,
        cast({{ learning_date_part('hour', 'orders.ordered_at') }} as {{ dbt.type_int() }})
            as hour_of_day,
        coalesce(students.country_code, 'unknown') as country_code,
        case when orders.has_succeeded_payment then 1 else 0 end as is_paid_order,
        orders.collected_usd
    from orders
    left join students
        on orders.student_id = students.student_id

),

hourly as (

    select
        date_day,
        hour_of_day,
        country_code,
        cast(count(*) as {{ dbt.type_bigint() }}) as orders,
        cast(sum(is_paid_order) as {{ dbt.type_bigint() }}) as paid_orders,
        cast(coalesce(sum(collected_usd), 0) as decimal(18, 2)) as collected_usd
    from order_lines
    group by date_day, hour_of_day, country_code

),

final as (

    select
        ---------- keys
        {{ surrogate_key(['date_day', 'hour_of_day', 'country_code']) }} as order_hour_id,
        date_day,
        hour_of_day,
        country_code,

        ---------- measures
        orders,
        paid_orders,
        collected_usd

    from hourly

)

select * from final
