with

refunds as (

    select * from {{ ref('stg_marketplace__refunds') }}

),

exchange_rates as (

    select * from {{ ref('int_exchange_rates_daily') }}

),

converted as (

    select
        refunds.*,
        exchange_rates.usd_per_unit,
        {{ commerce_to_usd("refunds.refund_amount", "exchange_rates.usd_per_unit") }}
            as refund_amount_usd
    from refunds
    left join exchange_rates
        on
            refunds.currency_code = exchange_rates.currency_code
            and cast(refunds.refunded_at as date) = exchange_rates.date_day

),

final as (

    select
        ---------- keys
        refund_id,

        ---------- foreign keys
        order_id,
        order_item_id,

        ---------- attributes
        refund_reason,
        currency_code,
        is_late_arriving,

        ---------- timestamps (UTC)
        refunded_at,

        ---------- measures
        refund_amount,
        usd_per_unit,
        refund_amount_usd

    from converted

)

select * from final
