with

monthly as (

    select * from {{ ref('business_customer_economics_monthly') }}

),

months as (

    select
        cast({{ dbt.date_trunc('quarter', 'month_start') }} as date) as quarter_start,
        month_start,
        is_partial_month,
        new_paying_customers,
        customers_to_date,
        revenue_usd,
        revenue_to_date_usd,
        marketing_spend_usd,
        row_number() over (
            partition by {{ dbt.date_trunc('quarter', 'month_start') }}
            order by month_start desc
        ) as month_from_quarter_end
    from monthly

),

quarters as (

    select
        quarter_start,
        count(*) as months_in_data,
        max(case when is_partial_month then 1 else 0 end) = 1 as has_partial_month,
        sum(new_paying_customers) as new_paying_customers,
        sum(revenue_usd) as revenue_usd,
        -- a month without spend data leaves the quarter's spend unknown, not smaller
        case
            when count(marketing_spend_usd) = count(*) then sum(marketing_spend_usd)
        end as marketing_spend_usd,
        -- Lifetime figures are as of the newest month of the quarter.
        max(case when month_from_quarter_end = 1 then customers_to_date end) as customers_to_date,
        max(case when month_from_quarter_end = 1 then revenue_to_date_usd end)
            as revenue_to_date_usd
    from months
    group by quarter_start

),

with_prior as (

    {{ select_with_prior_periods(
        'quarters', ['revenue_usd'],
        offsets={'prior_quarter': -3, 'prior_year': -12}, period='quarter_start'
    ) }}

),

measured as (

    select
        with_prior.*,
        {{ safe_divide('revenue_to_date_usd', 'customers_to_date') }} as clv_usd,
        {{ safe_divide('marketing_spend_usd', 'new_paying_customers') }} as cac_usd
    from with_prior

),

final as (

    select
        ---------- keys
        quarter_start,

        ---------- attributes
        cast(months_in_data as integer) as months_in_data,
        has_partial_month or months_in_data < 3 as is_partial_quarter,

        ---------- measures
        cast(new_paying_customers as {{ dbt.type_bigint() }}) as new_paying_customers,
        cast(customers_to_date as {{ dbt.type_bigint() }}) as customers_to_date,
        cast(revenue_usd as decimal(18, 2)) as revenue_usd,
        cast(prior_quarter_revenue_usd as decimal(18, 2)) as prior_quarter_revenue_usd,
        cast(revenue_to_date_usd as decimal(18, 2)) as revenue_to_date_usd,
        cast(marketing_spend_usd as decimal(18, 2)) as marketing_spend_usd,
        {{ growth_rate('revenue_usd', 'prior_quarter_revenue_usd') }} as revenue_qoq_growth_rate,
        {{ growth_rate('revenue_usd', 'prior_year_revenue_usd') }} as revenue_yoy_growth_rate,
        clv_usd,
        cac_usd,
        {{ safe_divide('clv_usd', 'cac_usd') }} as clv_to_cac_ratio

    from measured

)

select * from final
