{#- The additive measures of a relation summed per period and slice of each dimension, as one long
    select (a CTE's body) of (dimension, slice_value, period_start, <measures>): the dimension's
    name as text, its value as text ('unknown' when null). `measures` is a list of
    (name, expression) pairs, each summed; `relation` must carry period_start (the start of the
    period its KPIs are scored by: a month, or a day for a daily KPI) and a column named after
    every dimension. One scan per dimension. -#}
{% macro kpi_slice_sums(relation, dimensions, measures) -%}
    {%- for dimension in dimensions %}
    {% if not loop.first %}union all{% endif %}
    select
        '{{ dimension }}' as dimension,
        coalesce(cast({{ dimension }} as {{ dbt.type_string() }}), 'unknown') as slice_value,
        period_start,
        {%- for name, expression in measures %}
        sum({{ expression }}) as {{ name }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ relation }}
    group by
        coalesce(cast({{ dimension }} as {{ dbt.type_string() }}), 'unknown'),
        period_start
    {%- endfor %}
{%- endmacro %}

{#- One KPI's slices in the long shape kpi_drivers decomposes: (kpi_id, decomposition_method,
    dimension, slice_value, period_start, numerator_value, denominator_value). A ratio KPI is
    numerator / denominator over its slices; an additive KPI (denominator none) is the sum of the
    numerators. -#}
{% macro kpi_slice_select(kpi_id, relation, numerator, denominator=none) -%}
    select
        '{{ kpi_id }}' as kpi_id,
        '{{ "additive" if denominator is none else "ratio" }}' as decomposition_method,
        dimension,
        slice_value,
        period_start,
        cast({{ numerator }} as {{ dbt.type_float() }}) as numerator_value,
        cast({{ denominator if denominator is not none else 'null' }} as {{ dbt.type_float() }})
            as denominator_value
    from {{ relation }}
{%- endmacro %}
