{#- One row per calendar month (UTC) with social-listening data: the brand's mentions, its share
    of voice against the competitors tracked, the positive share of its mentions (brand
    sentiment) and its branded search volume with the growth on the month before. -#}
with

brand_mentions as (

    select * from {{ ref('int_brand_mentions_monthly') }}

),

branded_searches as {{ inline_cte() }} (

    select * from {{ ref('int_branded_searches_monthly') }}

),

monthly_mentions as (

    select
        month_start,
        sum(case when brand_type = 'own' then mentions else 0 end) as brand_mentions,
        sum(mentions) as tracked_mentions,
        sum(case when brand_type = 'own' then positive_mentions else 0 end)
            as positive_brand_mentions,
        sum(case when brand_type = 'own' then negative_mentions else 0 end)
            as negative_brand_mentions,
        sum(case when brand_type = 'own' then campaign_mentions else 0 end)
            as campaign_brand_mentions
    from brand_mentions
    group by month_start

),

months as (

    select month_start from monthly_mentions
    union
    select month_start from branded_searches

),

joined as (

    select
        months.month_start,
        coalesce(monthly_mentions.brand_mentions, 0) as brand_mentions,
        coalesce(monthly_mentions.tracked_mentions, 0) as tracked_mentions,
        coalesce(monthly_mentions.positive_brand_mentions, 0) as positive_brand_mentions,
        coalesce(monthly_mentions.negative_brand_mentions, 0) as negative_brand_mentions,
        coalesce(monthly_mentions.campaign_brand_mentions, 0) as campaign_brand_mentions,
        branded_searches.branded_searches
    from months
    left join monthly_mentions
        on months.month_start = monthly_mentions.month_start
    left join branded_searches
        on months.month_start = branded_searches.month_start

),

with_prior as (

    {{ select_with_prior_periods('joined', ['branded_searches'], offsets={'prior_month': -1}) }}

),

final as (

    select
        ---------- keys
        month_start,

        ---------- attributes
        month_start = max(month_start) over () as is_partial_month,

        ---------- measures
        cast(brand_mentions as {{ dbt.type_bigint() }}) as brand_mentions,
        cast(tracked_mentions as {{ dbt.type_bigint() }}) as tracked_mentions,
        cast(positive_brand_mentions as {{ dbt.type_bigint() }}) as positive_brand_mentions,
        cast(negative_brand_mentions as {{ dbt.type_bigint() }}) as negative_brand_mentions,
        cast(campaign_brand_mentions as {{ dbt.type_bigint() }}) as campaign_brand_mentions,
        cast(branded_searches as {{ dbt.type_bigint() }}) as branded_searches,
        {{ safe_divide('brand_mentions', 'tracked_mentions') }} as share_of_voice,
        {{ safe_divide('positive_brand_mentions', 'brand_mentions') }} as brand_sentiment_rate,
        {{ growth_rate(
            'branded_searches', 'prior_month_branded_searches'
        ) }} as branded_search_growth_rate
    from with_prior

)

select * from final
