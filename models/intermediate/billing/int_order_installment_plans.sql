{#- One row per order paid through an installment plan: its first plan (an order is set up on
    one, but an export may carry a second after a change at checkout), how many installments, and
    where the plan stands. -#}
with

installment_plans as (

    select * from {{ ref('stg_billing__installment_plans') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by order_id
            order by started_at, installment_plan_id
        ) as plan_rank
    from installment_plans

),

final as (

    select
        ---------- keys
        order_id,

        ---------- foreign keys
        installment_plan_id,

        ---------- attributes
        installments,
        plan_status,
        plan_status = 'defaulted' as is_defaulted,

        ---------- timestamps (UTC)
        started_at

    from ranked
    where plan_rank = 1

)

select * from final
