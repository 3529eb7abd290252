{#- numerator / denominator as a double, null when the denominator is zero or null: a rate with
    nothing to divide by is unknown, not zero. -#}
{% macro safe_divide(numerator, denominator) -%}
    case
        when ({{ denominator }}) is null or ({{ denominator }}) = 0 then null
        else {{ dbt.safe_cast(numerator, dbt.type_float()) }} / ({{ denominator }})
    end
{%- endmacro %}
