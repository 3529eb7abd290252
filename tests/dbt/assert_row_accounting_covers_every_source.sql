{#- int_row_accounting unions the row accounting of each source, which is rendered from the
    contract (stg_<source>__row_accounting), while the union names the sources by hand: every
    landed table (sources in the raw schema, declared in models/staging/<source>/) must be among
    its entities, and nothing else. Sources in other schemas (audit) are not landed data. Returns
    each entity missing on one side. -#}
{%- set source_tables = [] -%}
{%- if execute -%}
{%- for node in graph.sources.values() if node.schema == 'raw' -%}
{%- do source_tables.append(node.name) -%}
{%- endfor -%}
{%- endif -%}

with

source_tables as (

    {% for table_name in source_tables | sort %}
    select '{{ table_name }}' as entity
    {% if not loop.last %}
    union all
    {% endif %}
    {%- endfor %}

),

accounted_entities as (

    select entity from {{ ref('int_row_accounting') }}

),

missing_from_accounting as (

    select
        source_tables.entity,
        'missing from int_row_accounting' as problem
    from source_tables
    left join accounted_entities
        on source_tables.entity = accounted_entities.entity
    where accounted_entities.entity is null

),

not_a_source as (

    select
        accounted_entities.entity,
        'not a table of the raw sources' as problem
    from accounted_entities
    left join source_tables
        on accounted_entities.entity = source_tables.entity
    where source_tables.entity is null

),

final as (

    select * from missing_from_accounting
    union all
    select * from not_a_source

)

select * from final
