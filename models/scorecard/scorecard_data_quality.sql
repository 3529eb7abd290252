{#- The data-quality score of the latest validation run (audit.dq_scores, standard 'overall'),
    reported for the scorecard's latest complete month. The pipeline and Dagster validate the
    marts before they build this layer, so the score is the current run's. On a warehouse never
    validated (a dbt build by hand) audit.dq_scores does not exist: then this model is empty
    (checked with adapter.get_relation) and the dq_score KPI has no value. -#}
{%- set dq_scores = source('audit', 'dq_scores') -%}
{%- set dq_relation = none -%}
{%- if execute -%}
    {%- set dq_relation = adapter.get_relation(
        database=dq_scores.database, schema=dq_scores.schema, identifier=dq_scores.identifier
    ) -%}
{%- endif %}

with

as_of as (

    select * from {{ ref('data_as_of_day') }}

),

{% if dq_relation is not none -%}
dq_scores as (

    select * from {{ dq_scores }}

),

overall_scores as (

    select
        run_id,
        validated_at,
        score
    from dq_scores
    where standard = 'overall'

),

latest_run as (

    select
        run_id,
        validated_at,
        score,
        row_number() over (order by validated_at desc, run_id desc) as recency_rank
    from overall_scores

),
{%- else -%}
latest_run as (

    select
        cast(null as {{ dbt.type_string() }}) as run_id,
        cast(null as timestamp) as validated_at,
        cast(null as {{ dbt.type_float() }}) as score,
        1 as recency_rank
    where 1 = 0

),
{%- endif %}

final as (

    select
        as_of.latest_complete_month_start as month_start,
        latest_run.run_id,
        latest_run.validated_at,
        cast(latest_run.score as {{ dbt.type_float() }}) as data_quality_score_rate
    from latest_run
    cross join as_of
    where latest_run.recency_rank = 1

)

select * from final
