{#- One row per month (UTC) with the searches of the brand's keywords and the days reported. -#}
with

branded_searches as (

    select * from {{ ref('stg_social__branded_searches') }}

),

final as (

    select
        cast({{ dbt.date_trunc('month', 'search_date') }} as date) as month_start,
        sum(searches) as branded_searches,
        count(distinct search_date) as reported_days
    from branded_searches
    group by cast({{ dbt.date_trunc('month', 'search_date') }} as date)

)

select * from final
