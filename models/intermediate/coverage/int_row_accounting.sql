{#- One row per contract entity: how the rows of its raw table split between the stg model, the
    quarantine model and the duplicates dropped in between. A union of each source's accounting
    (stg_<source>__row_accounting, rendered from the contract with the base models); that the stg
    and quarantine models hold the rows counted is tested on them (row_count_matches_base), and
    tests/dbt/assert_row_accounting_covers_every_source.sql that no landed table is missing. -#}
with

marketplace as (

    select * from {{ ref('stg_marketplace__row_accounting') }}

),

billing as (

    select * from {{ ref('stg_billing__row_accounting') }}

),

learning as (

    select * from {{ ref('stg_learning__row_accounting') }}

),

web_analytics as (

    select * from {{ ref('stg_web_analytics__row_accounting') }}

),

marketing as (

    select * from {{ ref('stg_marketing__row_accounting') }}

),

support as (

    select * from {{ ref('stg_support__row_accounting') }}

),

crm as (

    select * from {{ ref('stg_crm__row_accounting') }}

),

email as (

    select * from {{ ref('stg_email__row_accounting') }}

),

social as (

    select * from {{ ref('stg_social__row_accounting') }}

),

community as (

    select * from {{ ref('stg_community__row_accounting') }}

),

experimentation as (

    select * from {{ ref('stg_experimentation__row_accounting') }}

),

manual as (

    select * from {{ ref('stg_manual__row_accounting') }}

),

sources_unioned as (

    select * from marketplace
    union all
    select * from billing
    union all
    select * from learning
    union all
    select * from web_analytics
    union all
    select * from marketing
    union all
    select * from support
    union all
    select * from crm
    union all
    select * from email
    union all
    select * from social
    union all
    select * from community
    union all
    select * from experimentation
    union all
    select * from manual

),

final as (

    select
        entity,
        source_name,
        raw_rows,
        staged_rows,
        quarantined_rows,
        duplicates_removed
    from sources_unioned

)

select * from final
