{#- English day name of an ISO day of week (1 = Monday ... 7 = Sunday). A case expression rather
    than an engine's dayname(), so it is portable and never depends on a locale. -#}
{% macro learning_day_name(iso_day_of_week) -%}
    case {{ iso_day_of_week }}
        when 1 then 'Monday'
        when 2 then 'Tuesday'
        when 3 then 'Wednesday'
        when 4 then 'Thursday'
        when 5 then 'Friday'
        when 6 then 'Saturday'
        when 7 then 'Sunday'
    end
{%- endmacro %}

{#- English month name of a month number (1 = January ... 12 = December), locale-free. -#}
{% macro learning_month_name(month_number) -%}
    case {{ month_number }}
        when 1 then 'January'
        when 2 then 'February'
        when 3 then 'March'
        when 4 then 'April'
        when 5 then 'May'
        when 6 then 'June'
        when 7 then 'July'
        when 8 then 'August'
        when 9 then 'September'
        when 10 then 'October'
        when 11 then 'November'
        when 12 then 'December'
    end
{%- endmacro %}
