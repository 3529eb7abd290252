{#- The pre-hook of an incremental model downstream of staging, in an incremental run: drop the
    held rows whose key the upstream model no longer has (staging quarantined or deduplicated
    them after the fact). The model then writes only the rows not held as they are (its last CTE
    ends `except` the held rows): reading stays whole, writing follows what changed. -#}
{% macro delete_keys_no_longer_in(upstream, key) -%}
delete from {{ this }} as held
where
    not exists (
        select 1
        from {{ upstream }} as upstream
        where upstream.{{ key }} = held.{{ key }}
    )
{%- endmacro %}
