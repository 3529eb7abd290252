{#- Marketing channel of a visit from its UTM tags and referring host, in the vocabulary of
    stg_marketplace__students.acquisition_channel plus 'other':
    UTM medium first (influencer, cpc -> paid_search, paid_social -> social, email, referral;
    any other medium -> other); untagged visits by referrer: none -> direct, a search engine ->
    organic_search, a webmail host -> email, a social network -> social, anything else ->
    referral. Portable SQL: a case expression only. -#}
{% macro marketing_channel(utm_source, utm_medium, referrer_host) -%}
    case
        when lower({{ utm_medium }}) = 'influencer' then 'influencer'
        when lower({{ utm_medium }}) in ('cpc', 'ppc', 'paid_search') then 'paid_search'
        when lower({{ utm_medium }}) in ('paid_social', 'social') then 'social'
        when lower({{ utm_medium }}) = 'email' then 'email'
        when lower({{ utm_medium }}) in ('referral', 'affiliate') then 'referral'
        when {{ utm_medium }} is not null or {{ utm_source }} is not null then 'other'
        when {{ referrer_host }} is null then 'direct'
        when lower({{ referrer_host }}) in (
                'google.com', 'bing.com', 'duckduckgo.com', 'yahoo.com', 'baidu.com', 'yandex.ru',
                'ecosia.org'
            ) then 'organic_search'
        when lower({{ referrer_host }}) in (
                'mail.google.com', 'outlook.live.com', 'mail.yahoo.com'
            ) then 'email'
        when lower({{ referrer_host }}) in (
                'facebook.com', 'instagram.com', 'tiktok.com', 'youtube.com', 'linkedin.com',
                't.co', 'x.com', 'twitter.com'
            ) then 'social'
        else 'referral'
    end
{%- endmacro %}
