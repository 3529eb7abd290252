{#- The column equals the sum of the other columns on every row, e.g. raw_rows = staged_rows +
    quarantined_rows + duplicates_removed. Returns the rows where it does not. -#}
{% test equals_sum_of(model, column_name, columns) %}

select *
from {{ model }}
where {{ column_name }} != {{ columns | join(' + ') }}

{% endtest %}
