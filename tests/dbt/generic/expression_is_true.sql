{#- A boolean SQL expression over a row's columns holds on every row, e.g. a benchmark band's low
    end is not above its high end. A null result counts as a failure, so write the null cases into
    the expression. Returns the rows where it does not hold. -#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not coalesce({{ expression }}, false)

{% endtest %}
