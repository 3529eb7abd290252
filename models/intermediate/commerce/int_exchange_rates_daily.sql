with

exchange_rates as {{ inline_cte() }} (

    select * from {{ ref('stg_marketplace__exchange_rates') }}

),

orders as (

    select * from {{ ref('stg_marketplace__orders') }}

),

payments as (

    select * from {{ ref('stg_marketplace__payments') }}

),

refunds as (

    select * from {{ ref('stg_marketplace__refunds') }}

),

transaction_days as (

    select cast(ordered_at as date) as transaction_day from orders
    union all
    select cast(attempted_at as date) as transaction_day from payments
    union all
    select cast(refunded_at as date) as transaction_day from refunds
    union all
    select rate_date as transaction_day from exchange_rates

),

bounds as (

    select
        min(transaction_day) as first_day,
        max(transaction_day) as last_day
    from transaction_days

),

days as (

    {{ commerce_day_series('bounds', 'first_day', 'last_day') }}

),

currencies as (

    select distinct currency_code from exchange_rates

),

day_currency as (

    select
        days.date_day,
        currencies.currency_code
    from days
    cross join currencies

),

joined as (

    select
        day_currency.date_day,
        day_currency.currency_code,
        exchange_rates.rate_date,
        exchange_rates.usd_per_unit
    from day_currency
    left join exchange_rates
        on
            day_currency.currency_code = exchange_rates.currency_code
            and day_currency.date_day = exchange_rates.rate_date

),

filled as (

    select
        date_day,
        currency_code,
        coalesce(
            {{ value_ignoring_nulls('last_value', 'rate_date') }} over (
                partition by currency_code order by date_day
                rows between unbounded preceding and current row
            ),
            {{ value_ignoring_nulls('first_value', 'rate_date') }} over (
                partition by currency_code order by date_day
                rows between current row and unbounded following
            )
        ) as rate_date,
        coalesce(
            {{ value_ignoring_nulls('last_value', 'usd_per_unit') }} over (
                partition by currency_code order by date_day
                rows between unbounded preceding and current row
            ),
            {{ value_ignoring_nulls('first_value', 'usd_per_unit') }} over (
                partition by currency_code order by date_day
                rows between current row and unbounded following
            )
        ) as usd_per_unit
    from joined

),

final as (

    select
        ---------- keys
        {{ surrogate_key(['date_day', 'currency_code']) }} as exchange_rate_day_id,
        date_day,
        currency_code,

        ---------- attributes
        rate_date,
        date_day != rate_date as is_gap_filled,

        ---------- measures
        usd_per_unit

    from filled

)

select * from final
