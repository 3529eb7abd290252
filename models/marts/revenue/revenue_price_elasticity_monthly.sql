{#- One row per calendar month (UTC) with course price changes (revenue_price_changes) whose after
    window is complete: price elasticity of demand, the percentage change in demand over the
    percentage change in price, estimated over all of them at once. Each change says its course
    sold course_units_after where its old price would have sold expected_units_after; with r the
    log of the price ratio, demand responds as expected x (1 + elasticity x r), and the weighted
    least-squares elasticity is sum((after - expected) x r) / sum(expected x r^2), its standard
    error sqrt(1 / sum(expected x r^2)) under Poisson sales. Pooling is what makes a month's
    estimate stable: one change of a course selling a few a month says little. -#}
with

price_changes as (

    select * from {{ ref('revenue_price_changes') }}

),

monthly as (

    select
        effective_month_start as month_start,
        count(*) as price_changes,
        sum(case when log_price_ratio > 0 then 1 else 0 end) as price_increases,
        sum(case when log_price_ratio < 0 then 1 else 0 end) as price_decreases,
        sum(course_units_before) as course_units_before,
        sum(course_units_after) as course_units_after,
        sum(expected_units_after) as expected_units_after,
        sum((course_units_after - expected_units_after) * log_price_ratio) as response_weight,
        sum(expected_units_after * log_price_ratio * log_price_ratio) as information
    from price_changes
    where is_window_complete and expected_units_after is not null
    group by effective_month_start

),

final as (

    select
        ---------- keys
        month_start,

        ---------- measures
        cast(price_changes as {{ dbt.type_bigint() }}) as price_changes,
        cast(price_increases as {{ dbt.type_bigint() }}) as price_increases,
        cast(price_decreases as {{ dbt.type_bigint() }}) as price_decreases,
        cast(course_units_before as {{ dbt.type_bigint() }}) as course_units_before,
        cast(course_units_after as {{ dbt.type_bigint() }}) as course_units_after,
        cast(expected_units_after as {{ dbt.type_float() }}) as expected_units_after,
        {{ safe_divide('response_weight', 'information') }} as price_elasticity,
        case
            when information > 0 then sqrt(1.0 / information)
        end as price_elasticity_standard_error
    from monthly

)

select * from final
