{#- One row per month (UTC) and brand with its mentions by sentiment, and the brand's own
    branded searches: the month's share of voice and sentiment read from here. -#}
with

mentions as (

    select * from {{ ref('stg_social__mentions') }}

),

monthly as (

    select
        cast({{ dbt.date_trunc('month', 'mentioned_at') }} as date) as month_start,
        brand,
        brand_type,
        count(*) as mentions,
        sum(case when sentiment = 'positive' then 1 else 0 end) as positive_mentions,
        sum(case when sentiment = 'negative' then 1 else 0 end) as negative_mentions,
        sum(case when campaign_id is not null then 1 else 0 end) as campaign_mentions,
        sum(author_followers) as author_followers
    from mentions
    group by
        cast({{ dbt.date_trunc('month', 'mentioned_at') }} as date),
        brand,
        brand_type

),

final as (

    select
        ---------- keys
        month_start,
        brand,

        ---------- attributes
        brand_type,

        ---------- measures
        mentions,
        positive_mentions,
        negative_mentions,
        campaign_mentions,
        author_followers

    from monthly

)

select * from final
