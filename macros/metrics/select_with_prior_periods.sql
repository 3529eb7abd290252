{#- Every row of a monthly relation with the same measures from earlier months beside it, for
    growth rates (growth_rate) against the prior month and the same month a year before. Emits a
    select statement (a CTE's body): `current_period.*`, then `<alias>_<measure>` for each offset
    and measure, null when that month has no row. `partition_by` names the slice columns that
    must match (a category, an instructor); `offsets` maps alias -> months back. The join loop's
    tags trim the whitespace after them, not before: sqlfluff misreads the indentation of a
    `left join` right after a for tag that trims before it (orchestration.lint_macros). -#}
{% macro select_with_prior_periods(
    relation,
    measures,
    partition_by=[],
    offsets={'prior_month': -1, 'prior_year': -12},
    period='month_start'
) -%}
    select
        current_period.*
        {%- for alias, months_back in offsets.items() %}
        {%- for measure in measures %},
        {{ alias }}.{{ measure }} as {{ alias }}_{{ measure }}
        {%- endfor %}
        {%- endfor %}
    from {{ relation }} as current_period
    {% for alias, months_back in offsets.items() -%}
    left join {{ relation }} as {{ alias }}
        on
            {%- for key in partition_by %}
            current_period.{{ key }} = {{ alias }}.{{ key }} and
            {%- endfor %}
            {{ alias }}.{{ period }}
            = {{ dbt.dateadd('month', months_back, 'current_period.' ~ period) }}
    {% endfor %}
{%- endmacro %}
