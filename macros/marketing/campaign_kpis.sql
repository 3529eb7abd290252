{#- An engagement, as every campaign mart and KPI counts it: likes + comments + shares (saves
    are reported apart, as save_rate). The one place the definition lives. -#}
{% macro campaign_engagements() -%}
    (likes + comments + shares)
{%- endmacro %}

{#- The influencer-campaign KPIs of the reference framework, written once for every grain (per
    campaign, tier, platform, day, overall). The caller's relation must carry these summed
    measures: follower_count, reach, impressions, likes, comments, shares, saves, video_views,
    video_completions, clicks, spend_usd, leads, conversions, converting_customers,
    attributed_revenue_usd. Rates are fractions 0-1; roas and roi plain ratios; every ratio is
    null when its denominator is zero (safe_divide).
    - engagement_rate = campaign_engagements() / reach, i.e. (likes + comments + shares) / reach:
      the reference's formula; saves are left out (they are reported as save_rate) so the rate
      compares with the 3-6% benchmark.
    - cost_per_engagement divides spend by the same engagements. -#}
{% macro campaign_kpi_columns() -%}
    {{ safe_divide('reach', 'follower_count') }} as reach_rate,
    {{ safe_divide(campaign_engagements(), 'reach') }} as engagement_rate,
    {{ safe_divide('shares', 'reach') }} as share_rate,
    {{ safe_divide('saves', 'reach') }} as save_rate,
    {{ safe_divide('video_completions', 'video_views') }} as video_completion_rate,
    {{ safe_divide('clicks', 'impressions') }} as ctr,
    {{ safe_divide('spend_usd', 'leads') }} as cpl_usd,
    {{ safe_divide('spend_usd', 'converting_customers') }} as cpa_usd,
    {{ safe_divide('attributed_revenue_usd', 'spend_usd') }} as roas,
    {{ safe_divide('attributed_revenue_usd - spend_usd', 'spend_usd') }} as roi,
    {{ safe_divide('spend_usd', campaign_engagements()) }} as cost_per_engagement_usd,
    {{ safe_divide('spend_usd', 'clicks') }} as cost_per_click_usd
{%- endmacro %}

{#- The additive campaign measures every KPI grain sums before campaign_kpi_columns() divides
    them: `sum(x) as x` for each, cast so the summed types stay bigint / decimal(18, 2). -#}
{% macro campaign_measure_sums(measures=none) -%}
    {%- set counts = measures or [
        'impressions', 'reach', 'likes', 'comments', 'shares', 'saves', 'video_views',
        'video_completions', 'clicks', 'sessions', 'bounced_sessions', 'leads', 'conversions',
        'converting_customers'
    ] -%}
    {%- for column in counts %}
    cast(sum({{ column }}) as {{ dbt.type_bigint() }}) as {{ column }},
    {%- endfor %}
    cast(sum(spend_usd) as decimal(18, 2)) as spend_usd,
    cast(sum(attributed_revenue_usd) as decimal(18, 2)) as attributed_revenue_usd
{%- endmacro %}
