{#- One row per course price change after the first price: the price before and after, the log of
    their ratio, and whether the change stands alone within var price_elasticity_window_days on
    either side (no other change of the course in the windows its demand is compared over). A
    price record repeating the price in force (a price list issued again) changes nothing: it is
    neither a change nor a neighbour that takes another change's isolation. -#}
with

course_prices as (

    select * from {{ ref('stg_marketplace__course_prices') }}

),

price_records as (

    select
        *,
        lag(list_price) over price_order as price_in_force,
        lag(currency_code) over price_order as currency_in_force
    from course_prices
    window price_order as (partition by course_id order by effective_at, price_change_id)

),

price_moves as (

    select * from price_records
    where not coalesce(list_price = price_in_force and currency_code = currency_in_force, false)

),

sequenced as (

    select
        price_change_id,
        course_id,
        currency_code,
        effective_at,
        list_price,
        lag(list_price) over price_order as previous_list_price,
        lag(currency_code) over price_order as previous_currency_code,
        lag(effective_at) over price_order as previous_effective_at,
        lead(effective_at) over price_order as next_effective_at
    from price_moves
    window price_order as (partition by course_id order by effective_at, price_change_id)

),

-- a change of currency is a new price list, not a price change demand can be compared across
changes as (

    select * from sequenced
    where
        previous_list_price > 0
        and list_price > 0
        and currency_code = previous_currency_code

),

final as (

    select
        ---------- keys
        price_change_id,

        ---------- foreign keys
        course_id,

        ---------- attributes
        currency_code,
        coalesce(
            previous_effective_at < {{ dbt.dateadd(
                'day', -var('price_elasticity_window_days'), 'effective_at'
            ) }},
            true
        )
        and coalesce(
            next_effective_at > {{ dbt.dateadd(
                'day', var('price_elasticity_window_days'), 'effective_at'
            ) }},
            true
        ) as is_isolated,

        ---------- timestamps (UTC)
        effective_at,
        cast(effective_at as date) as effective_date,
        previous_effective_at,
        next_effective_at,

        ---------- measures
        previous_list_price,
        list_price,
        ln(
            cast(list_price as {{ dbt.type_float() }})
            / cast(previous_list_price as {{ dbt.type_float() }})
        ) as log_price_ratio

    from changes

)

select * from final
