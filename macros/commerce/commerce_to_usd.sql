{#- The one place money becomes USD: amount times the day's usd_per_unit, rounded to cents and
    typed as an exact decimal, so sums of converted amounts reconcile to the cent. -#}
{% macro commerce_to_usd(amount, usd_per_unit) -%}
    cast(round({{ amount }} * {{ usd_per_unit }}, 2) as decimal(18, 2))
{%- endmacro %}
