{#- The sources' coverage (int_source_coverage) published for the scorecard and BI: which event
    sources have staged rows, and over which days. -#}
with

source_coverage as (

    select * from {{ ref('int_source_coverage') }}

),

final as (

    select
        ---------- keys
        source_entity,

        ---------- timestamps (UTC days)
        first_day,
        last_day,

        ---------- measures
        staged_rows
    from source_coverage

)

select * from final
