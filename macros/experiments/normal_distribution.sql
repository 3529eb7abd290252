{#- The standard normal distribution in portable SQL (exp, ln, sqrt, abs only), for the
    experiments' statistics: neither DuckDB nor Spark SQL has a normal CDF or quantile.
    tests/test_experiment_statistics.py checks both against scipy. -#}

{#- Phi(x), the standard normal CDF: Abramowitz and Stegun 26.2.17 (absolute error below 7.5e-8).
    `x` is any expression; it is evaluated as often as it is named, so pass a column. -#}
{% macro normal_cdf(x) -%}
    (case
        when ({{ x }}) >= 0 then 1 - {{ _normal_upper_tail(x) }}
        else {{ _normal_upper_tail(x) }}
    end)
{%- endmacro %}

{% macro _normal_upper_tail(x) -%}
    {%- set t = '1.0 / (1.0 + 0.2316419 * abs(' ~ x ~ '))' -%}
    {%- set series = [
        '1.330274429', '-1.821255978', '1.781477937', '-0.356563782', '0.319381530', '0'
    ] -%}
    exp(-0.5 * ({{ x }}) * ({{ x }})) * 0.3989422804014327 * ({{ _horner(t, series) }})
{%- endmacro %}

{#- Phi^-1(p), the standard normal quantile for 0 < p < 1: Acklam's rational approximation
    (relative error below 1.2e-9); null outside (0, 1). -#}
{% macro normal_quantile(p) -%}
    (case
        when ({{ p }}) <= 0 or ({{ p }}) >= 1 then null
        when ({{ p }}) < 0.02425 then {{ _normal_quantile_tail('sqrt(-2 * ln(' ~ p ~ '))') }}
        when ({{ p }}) > 0.97575
            then -{{ _normal_quantile_tail('sqrt(-2 * ln(1 - (' ~ p ~ ')))') }}
        else {{ _normal_quantile_central('(' ~ p ~ ') - 0.5') }}
    end)
{%- endmacro %}

{% macro _normal_quantile_tail(q) -%}
    {%- set numerator = [
        '-7.784894002430293e-03', '-3.223964580411365e-01', '-2.400758277161838e+00',
        '-2.549732539343734e+00', '4.374664141464968e+00', '2.938163982698783e+00'
    ] -%}
    {%- set denominator = [
        '7.784695709041462e-03', '3.224671290700398e-01', '2.445134137142996e+00',
        '3.754408661907416e+00', '1'
    ] -%}
    (({{ _horner(q, numerator) }}) / ({{ _horner(q, denominator) }}))
{%- endmacro %}

{% macro _normal_quantile_central(q) -%}
    {%- set r = '(' ~ q ~ ') * (' ~ q ~ ')' -%}
    {%- set numerator = [
        '-3.969683028665376e+01', '2.209460984245205e+02', '-2.759285104469687e+02',
        '1.383577518672690e+02', '-3.066479806614716e+01', '2.506628277459239e+00'
    ] -%}
    {%- set denominator = [
        '-5.447609879822406e+01', '1.615858368580409e+02', '-1.556989798598866e+02',
        '6.680131188771972e+01', '-1.328068155288572e+01', '1'
    ] -%}
    (({{ _horner(r, numerator) }}) * ({{ q }}) / ({{ _horner(r, denominator) }}))
{%- endmacro %}

{#- The polynomial with `coefficients` (highest power first, as literal text) at `x`, in Horner's
    form: ((c0 * x + c1) * x + c2) ... -#}
{% macro _horner(x, coefficients) -%}
    {%- set polynomial = namespace(text=coefficients[0]) -%}
    {%- for coefficient in coefficients[1:] -%}
        {%- set polynomial.text = '(' ~ polynomial.text ~ ') * (' ~ x ~ ') + ' ~ coefficient -%}
    {%- endfor -%}
    {{ polynomial.text }}
{%- endmacro %}

{#- Two-sided p-value of a z statistic: 2 (1 - Phi(|z|)). -#}
{% macro two_sided_p_value(z) -%}
    (2 * (1 - {{ normal_cdf('abs(' ~ z ~ ')') }}))
{%- endmacro %}
