with

courses as (

    select * from {{ ref('stg_marketplace__courses') }}

),

course_prices as (

    select * from {{ ref('stg_marketplace__course_prices') }}

),

last_price_change as (

    select
        course_id,
        max(effective_at) as last_price_change_at
    from course_prices
    group by course_id

),

final as (

    select
        ---------- keys
        courses.course_id,

        ---------- attributes
        courses.currency_code,

        ---------- timestamps (UTC)
        coalesce(
            last_price_change.last_price_change_at,
            courses.published_at,
            courses.created_at
        ) as price_effective_at,

        ---------- measures
        courses.list_price

    from courses
    left join last_price_change
        on courses.course_id = last_price_change.course_id

)

select * from final
