{#- The first day of the period after (offset 1) or before (offset -1) a KPI period of this
    frequency, as a date: daily, weekly, monthly or quarterly. -#}
{% macro kpi_period_shift(frequency, period_start, offset) -%}
    cast(case {{ frequency }}
        when 'daily' then {{ dbt.dateadd('day', offset, period_start) }}
        when 'weekly' then {{ dbt.dateadd('week', offset, period_start) }}
        when 'monthly' then {{ dbt.dateadd('month', offset, period_start) }}
        when 'quarterly' then {{ dbt.dateadd('month', 3 * offset, period_start) }}
    end as date)
{%- endmacro %}

{#- The first day of the period of this frequency that holds `day`, as a date: the day itself,
    its week's Monday, its month's or its quarter's first day. -#}
{% macro kpi_period_start(frequency, day) -%}
    cast(case {{ frequency }}
        when 'daily' then {{ day }}
        when 'weekly' then {{ dbt.date_trunc('week', day) }}
        when 'monthly' then {{ dbt.date_trunc('month', day) }}
        when 'quarterly' then {{ dbt.date_trunc('quarter', day) }}
    end as date)
{%- endmacro %}
