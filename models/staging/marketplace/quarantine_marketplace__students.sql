with

base_students as (

    select * from {{ ref('base_marketplace__students').include(database=false) }}

),

quarantined_students as (

    select * from base_students
    where {{ is_quarantined_row() }}

),

final as (

    select
        _dq_reason as dq_reason,

        ---------- contract columns, typed (null where the landed text did not parse)
        student_id,
        signup_at,
        country_code,
        timezone,
        acquisition_channel,
        utm_source,
        utm_medium,
        utm_campaign,

        ---------- lineage: the raw row, with its original text
        _source_file,
        _row_number,
        _batch_id,
        _loaded_at

    from quarantined_students

)

select * from final
