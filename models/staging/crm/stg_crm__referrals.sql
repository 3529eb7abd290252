with

base_referrals as (

    select * from {{ ref('base_crm__referrals').include(database=false) }}

),

staged_referrals as (

    select * from base_referrals
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        referral_id,

        ---------- foreign keys
        referrer_student_id,
        referred_student_id,

        ---------- attributes
        channel,

        ---------- timestamps (UTC)
        referred_at,

        ---------- lineage
        _is_late_arriving as is_late_arriving,
        _loaded_at,
        _source_file,
        _batch_id

    from staged_referrals

)

select * from final
