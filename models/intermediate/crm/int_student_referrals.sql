{#- One row per staged student with the referral programme's view of them: the invitations they
    sent (the first one, and whether it was within var referral_window_days of signing up), the
    friends who signed up through them, and whether they were themselves invited. -#}
with

students as (

    select * from {{ ref('stg_marketplace__students') }}

),

referrals as {{ inline_cte() }} (

    select * from {{ ref('stg_crm__referrals') }}

),

sent as (

    select
        referrer_student_id as student_id,
        count(*) as invitations_sent,
        count(referred_student_id) as friends_signed_up,
        min(referred_at) as first_invitation_at
    from referrals
    group by referrer_student_id

),

received as (

    select
        referred_student_id as student_id,
        min(referred_at) as invited_at
    from referrals
    where referred_student_id is not null
    group by referred_student_id

),

joined as (

    select
        students.student_id,
        students.signed_up_at,
        sent.first_invitation_at,
        received.invited_at,
        coalesce(sent.invitations_sent, 0) as invitations_sent,
        coalesce(sent.friends_signed_up, 0) as friends_signed_up
    from students
    left join sent
        on students.student_id = sent.student_id
    left join received
        on students.student_id = received.student_id

),

final as (

    select
        ---------- keys
        student_id,

        ---------- attributes
        invited_at is not null as was_referred,
        coalesce(
            first_invitation_at <= {{ dbt.dateadd(
                'day', var('referral_window_days'), 'signed_up_at'
            ) }},
            false
        ) as is_referrer_in_window,

        ---------- timestamps (UTC)
        signed_up_at,
        cast({{ dbt.date_trunc('month', 'signed_up_at') }} as date) as signup_month_start,
        first_invitation_at,
        invited_at,

        ---------- measures
        invitations_sent,
        friends_signed_up

    from joined

)

select * from final
