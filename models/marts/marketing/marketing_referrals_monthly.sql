{#- One row per calendar month (UTC) with student signups: the share of the month's new students
    who invited a friend within the referral window (referral rate, final once the window has
    passed for the whole month) and the share who came through a student's invitation. -#}
with

student_referrals as (

    select * from {{ ref('int_student_referrals') }}

),

monthly as (

    select
        signup_month_start as month_start,
        count(*) as new_students,
        sum(case when is_referrer_in_window then 1 else 0 end) as referrers_in_window,
        sum(case when was_referred then 1 else 0 end) as referred_students,
        sum(invitations_sent) as invitations_sent,
        sum(friends_signed_up) as friends_signed_up
    from student_referrals
    group by signup_month_start

),

final as (

    select
        ---------- keys
        month_start,

        ---------- attributes
        month_start = max(month_start) over () as is_partial_month,

        ---------- measures
        cast(new_students as {{ dbt.type_bigint() }}) as new_students,
        cast(referrers_in_window as {{ dbt.type_bigint() }}) as referrers_in_window,
        cast(referred_students as {{ dbt.type_bigint() }}) as referred_students,
        cast(invitations_sent as {{ dbt.type_bigint() }}) as invitations_sent,
        cast(friends_signed_up as {{ dbt.type_bigint() }}) as friends_signed_up,
        {{ safe_divide('referrers_in_window', 'new_students') }} as referral_rate,
        {{ safe_divide('referred_students', 'new_students') }} as referred_student_share
    from monthly

)

select * from final
