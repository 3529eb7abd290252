{#- The always-valid p-value of a mixture sequential probability ratio test (mSPRT; Johari,
    Pekelis and Walsh, "Always valid inference", 2017) for a difference of two means with a normal
    mixing distribution N(0, tau_squared) over the true difference: at each look, with the
    estimated difference d and its variance s2,
        Lambda = sqrt(s2 / (s2 + tau2)) * exp(tau2 * d^2 / (2 * s2 * (s2 + tau2)))
    and the look's p-value is min(1, 1 / Lambda). The always-valid p-value of a test is the running
    minimum of those over its looks (the caller's window), which may be read after every look at no
    cost to the false positive rate: stopping when it falls below alpha keeps the chance of a false
    winner at most alpha however often it is read. tau2 is the square of the difference the test
    was sized to detect. Null when s2 or tau2 is not positive. -#}
{% macro msprt_p_value(difference, variance, tau_squared) -%}
    {%- set s2, tau2, d = '(' ~ variance ~ ')', '(' ~ tau_squared ~ ')', '(' ~ difference ~ ')' -%}
    (case
        when {{ s2 }} > 0 and {{ tau2 }} > 0
            then least(
                    1.0,
                    sqrt(({{ s2 }} + {{ tau2 }}) / {{ s2 }})
                    * exp(
                        -{{ tau2 }} * {{ d }} * {{ d }}
                        / (2 * {{ s2 }} * ({{ s2 }} + {{ tau2 }}))
                    )
                )
    end)
{%- endmacro %}
