{#- The models a KPI catalog row may name as source_model. dbt must know every ref at parse
    time, while the catalog is only read at run time, so int_kpi_values refs all of these (a
    `depends_on` block) and refuses a catalog row naming anything else. Adding a KPI on one of
    these models is a catalog row only; a KPI on a new model adds its name here once. Each model
    must have one row per period with the period column of its KPIs' frequency
    (see kpi_period_column). -#}
{% macro scorecard_source_models() -%}
    {{ return([
        'revenue_monthly',
        'business_subscriptions_monthly',
        'business_customer_economics_monthly',
        'business_customer_economics_quarterly',
        'engagement_active_students_daily',
        'engagement_active_students_weekly',
        'engagement_active_students_monthly',
        'engagement_new_vs_returning_monthly',
        'platform_traffic_daily',
        'course_success_monthly',
        'instructors_monthly',
        'scorecard_portfolio_monthly',
        'scorecard_campaigns_monthly',
        'int_scorecard_data_quality',
    ]) }}
{%- endmacro %}

{#- The period column a KPI of this frequency is read by, in its source model: daily ->
    date_day, weekly -> week_start (ISO Monday), monthly -> month_start, quarterly ->
    quarter_start. -#}
{% macro kpi_period_column(frequency) -%}
    {%- set columns = {
        'daily': 'date_day', 'weekly': 'week_start', 'monthly': 'month_start',
        'quarterly': 'quarter_start'
    } -%}
    {%- if frequency not in columns -%}
        {{ exceptions.raise_compiler_error(
            "KPI frequency '" ~ frequency ~ "' is not scored: use one of " ~ columns.keys() | list | join(', ')
        ) }}
    {%- endif -%}
    {{ return(columns[frequency]) }}
{%- endmacro %}

{#- One long select of (kpi_id, period_start, actual_value, sample_size) over every catalog row, generated
    from the catalog at run time: no hand-written SQL per KPI. Renders an empty, typed select
    while parsing or when the catalog table does not exist yet (e.g. sqlfluff's compile). -#}
{% macro kpi_values_union(catalog) -%}
    {%- set allowed = scorecard_source_models() -%}
    {%- set rows = [] -%}
    {%- if execute -%}
        {%- set catalog_relation = adapter.get_relation(
            database=catalog.database, schema=catalog.schema, identifier=catalog.identifier
        ) -%}
        {%- if catalog_relation is not none -%}
            {%- set result = run_query(
                "select kpi_id, frequency, source_model, source_column, sample_column from "
                ~ catalog_relation ~ " order by kpi_id"
            ) -%}
            {%- set rows = result.rows -%}
        {%- endif -%}
    {%- endif -%}
    {%- if rows | length == 0 %}
    select
        cast(null as {{ dbt.type_string() }}) as kpi_id,
        cast(null as date) as period_start,
        cast(null as {{ dbt.type_float() }}) as actual_value,
        cast(null as {{ dbt.type_float() }}) as sample_size
    where 1 = 0
    {%- endif -%}
    {%- for row in rows -%}
        {%- if row['source_model'] not in allowed -%}
            {{ exceptions.raise_compiler_error(
                "kpi_catalog row " ~ row['kpi_id'] ~ ": source_model '" ~ row['source_model']
                ~ "' is not in scorecard_source_models() (macros/scorecard/scorecard_sources.sql)"
            ) }}
        {%- endif -%}
        {%- set period_column = kpi_period_column(row['frequency']) %}
    {% if not loop.first %}union all{% endif %}
    select
        '{{ row["kpi_id"] }}' as kpi_id,
        cast({{ period_column }} as date) as period_start,
        cast({{ adapter.quote(row['source_column']) }} as {{ dbt.type_float() }}) as actual_value,
        {% if row['sample_column'] -%}
        cast({{ adapter.quote(row['sample_column']) }} as {{ dbt.type_float() }})
        {%- else -%}
        cast(null as {{ dbt.type_float() }})
        {%- endif %} as sample_size
    from {{ ref(row['source_model']) }}
    where {{ period_column }} is not null
    {%- endfor %}
{%- endmacro %}
