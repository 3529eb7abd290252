with

payments as (

    select * from {{ ref('stg_marketplace__payments') }}

),

exchange_rates as (

    select * from {{ ref('int_exchange_rates_daily') }}

),

converted as (

    select
        payments.*,
        exchange_rates.usd_per_unit,
        {{ commerce_to_usd("payments.payment_amount", "exchange_rates.usd_per_unit") }}
            as payment_amount_usd
    from payments
    left join exchange_rates
        on
            payments.currency_code = exchange_rates.currency_code
            and cast(payments.attempted_at as date) = exchange_rates.date_day

),

final as (

    select
        ---------- keys
        payment_id,

        ---------- foreign keys
        order_id,

        ---------- attributes
        payment_method,
        payment_status,
        payment_status = 'succeeded' as is_succeeded,
        failure_reason,
        currency_code,
        is_late_arriving,

        ---------- timestamps (UTC)
        attempted_at,

        ---------- measures
        payment_amount,
        usd_per_unit,
        payment_amount_usd

    from converted

)

select * from final
