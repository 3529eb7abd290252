{#- Website traffic KPIs from summed session counts, written once for every traffic grain:
    conversion_rate = converted sessions (order or signup, the web-analytics flag) / sessions;
    order_conversion_rate = sessions with a successfully paid order / sessions;
    bounce_rate = single-page sessions / sessions; pages_per_session = pageviews / sessions. -#}
{% macro traffic_kpi_columns() -%}
    {{ safe_divide('converted_sessions', 'sessions') }} as conversion_rate,
    {{ safe_divide('ordering_sessions', 'sessions') }} as order_conversion_rate,
    {{ safe_divide('bounced_sessions', 'sessions') }} as bounce_rate,
    {{ safe_divide('pageviews', 'sessions') }} as pages_per_session
{%- endmacro %}
