{#- The additive measures of a relation summed per month and slice of each dimension, as one long
    select (a CTE's body) of (dimension, slice_value, month_start, <measures>): the dimension's
    name as text, its value as text ('unknown' when null). `measures` is a list of
    (name, expression) pairs, each summed; `relation` must carry month_start and a column named
    after every dimension. One scan per dimension, all at the month grain. -#}
{% macro kpi_slice_sums(relation, dimensions, measures) -%}
    {%- for dimension in dimensions %}
    {% if not loop.first %}union all{% endif %}
    select
        '{{ dimension }}' as dimension,
        coalesce(cast({{ dimension }} as {{ dbt.type_string() }}), 'unknown') as slice_value,
        month_start,
        {%- for name, expression in measures %}
        sum({{ expression }}) as {{ name }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ relation }}
    group by
        coalesce(cast({{ dimension }} as {{ dbt.type_string() }}), 'unknown'),
        month_start
    {%- endfor %}
{%- endmacro %}

{#- One KPI's slices in the long shape kpi_drivers decomposes: (kpi_id, decomposition_method,
    dimension, slice_value, month_start, numerator_value, denominator_value). A ratio KPI is
    numerator / denominator over its slices; an additive KPI (denominator none) is the sum of the
    numerators. -#}
{% macro kpi_slice_select(kpi_id, relation, numerator, denominator=none) -%}
    select
        '{{ kpi_id }}' as kpi_id,
        '{{ "additive" if denominator is none else "ratio" }}' as decomposition_method,
        dimension,
        slice_value,
        month_start,
        cast({{ numerator }} as {{ dbt.type_float() }}) as numerator_value,
        cast({{ denominator if denominator is not none else 'null' }} as {{ dbt.type_float() }})
            as denominator_value
    from {{ relation }}
{%- endmacro %}
