with

base_referrals as (

    select * from {{ ref('base_crm__referrals').include(database=false) }}

),

quarantined_referrals as (

    select * from base_referrals
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        referral_id,
        referrer_student_id,
        channel,
        referred_at,
        referred_student_id,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_referrals

)

select * from final
