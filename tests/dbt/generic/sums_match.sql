{#- An aggregate mart reconciles with what it sums: per group (group_by in the model,
    compare_group_by in compare_model, by default the same names), each of `columns` summed over
    the model equals the matching compare_columns (by default the same names; an expression such
    as '1' counts rows) summed over compare_model, to within `tolerance` (cents, for money). A
    group missing on one side counts as 0 there. Returns each group and column that differ. -#}
{% test sums_match(
    model, compare_model, columns, group_by, compare_columns=none, compare_group_by=none,
    tolerance=0.01
) %}

{%- set compare_columns = compare_columns or columns -%}
{%- set compare_group_by = compare_group_by or group_by -%}
{%- if compare_columns | length != columns | length
    or compare_group_by | length != group_by | length -%}
    {{ exceptions.raise_compiler_error(
        "sums_match: columns / compare_columns and group_by / compare_group_by pair one to one"
    ) }}
{%- endif %}

with

model_sums as (

    select
        {%- for column in group_by %}
        {{ column }} as group_{{ loop.index }},
        {%- endfor %}
        {%- for column in columns %}
        sum({{ column }}) as sum_{{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ model }}
    group by {% for column in group_by %}{{ column }}{{ ', ' if not loop.last }}{% endfor %}

),

compare_sums as (

    select
        {%- for column in compare_group_by %}
        {{ column }} as group_{{ loop.index }},
        {%- endfor %}
        {%- for column in compare_columns %}
        sum({{ column }}) as sum_{{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ compare_model }}
    group by
        {% for column in compare_group_by %}{{ column }}{{ ', ' if not loop.last }}{% endfor %}

),

compared as (

    select
        {%- for column in group_by %}
        coalesce(model_sums.group_{{ loop.index }}, compare_sums.group_{{ loop.index }})
            as group_{{ loop.index }},
        {%- endfor %}
        {%- for column in columns %}
        coalesce(model_sums.sum_{{ loop.index }}, 0) as model_sum_{{ loop.index }},
        coalesce(compare_sums.sum_{{ loop.index }}, 0) as compare_sum_{{ loop.index }}
        {{- ',' if not loop.last }}
        {%- endfor %}
    from model_sums
    full outer join compare_sums
        on
            {% for column in group_by -%}
            model_sums.group_{{ loop.index }} = compare_sums.group_{{ loop.index }}
            {{- ' and' if not loop.last }}
            {% endfor %}

)

select * from compared
where
    {% for column in columns -%}
    abs(model_sum_{{ loop.index }} - compare_sum_{{ loop.index }}) > {{ tolerance }}
    {{- ' or' if not loop.last }}
    {% endfor %}

{% endtest %}
