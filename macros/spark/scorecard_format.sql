{#- The alert messages' numbers and periods worded as on DuckDB (scorecard_format.sql there):
    format_number groups thousands as '{:,.0f}' does; date patterns in English month names. -#}
{% macro spark__scorecard_format_value(value, unit) -%}
    case
        when {{ value }} is null then 'n/a'
        when {{ unit }} = 'usd' then '$' || format_number({{ value }}, 0)
        when {{ unit }} = 'rate'
            then format_string('%.1f', cast({{ value }} * 100 as double)) || '%'
        when {{ unit }} = 'count' then format_number({{ value }}, 0)
        else format_number({{ value }}, 1)
    end
{%- endmacro %}

{% macro spark__scorecard_format_period(period_start, frequency) -%}
    case {{ frequency }}
        when 'quarterly'
            then 'Q' || quarter({{ period_start }}) || date_format({{ period_start }}, ' yyyy')
        when 'monthly' then date_format({{ period_start }}, 'MMMM yyyy')
        when 'weekly' then 'the week of ' || date_format({{ period_start }}, 'yyyy-MM-dd')
        else date_format({{ period_start }}, 'yyyy-MM-dd')
    end
{%- endmacro %}
