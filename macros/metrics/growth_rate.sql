{#- Period-over-period growth as a fraction: (current - prior) / |prior|. Null when there is no
    prior period or the prior value is zero, so a first month never shows as infinite growth.
    The absolute value keeps the sign meaningful when the prior value is negative (e.g. net
    revenue after refunds larger than the period's sales). -#}
{% macro growth_rate(current, prior) -%}
    case
        when ({{ prior }}) is null or ({{ prior }}) = 0 then null
        else ({{ dbt.safe_cast(current, dbt.type_float()) }} - ({{ prior }})) / abs({{ prior }})
    end
{%- endmacro %}
