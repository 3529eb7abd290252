{#- No two rows share the same values in all of the columns (dbt_utils has this test; this
    project cannot install packages). Returns each repeated combination with its count. -#}
{% test unique_combination_of_columns(model, combination) %}

select
    {{ combination | join(',\n    ') }},
    count(*) as rows_with_this_combination
from {{ model }}
group by {{ combination | join(', ') }}
having count(*) > 1

{% endtest %}
