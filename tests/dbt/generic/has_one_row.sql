{#- A single-row model (a whole-warehouse summary) has exactly one row: its key is the model
    itself. Returns the row count when it is not 1. -#}
{% test has_one_row(model) %}

select count(*) as row_count
from {{ model }}
having count(*) <> 1

{% endtest %}
