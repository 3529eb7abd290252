{#- The one place money becomes USD: amount times the day's usd_per_unit, rounded to cents and
    typed as an exact decimal, so sums of converted amounts reconcile to the cent. Multiplied as
    decimals: a double product rounds differently on each engine at the half-cent (DuckDB rounds
    its binary value, 199.98499.. to 199.98; Spark the decimal that prints it, 199.985 to 199.99). -#}
{% macro commerce_to_usd(amount, usd_per_unit) -%}
    cast(round(
        cast({{ amount }} as decimal(20, 6)) * cast({{ usd_per_unit }} as decimal(18, 8)), 2
    ) as decimal(18, 2))
{%- endmacro %}
