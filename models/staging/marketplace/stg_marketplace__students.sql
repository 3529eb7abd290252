with

base_students as (

    select * from {{ ref('base_marketplace__students').include(database=false) }}

),

staged_students as (

    select * from base_students
    where {{ is_staged_row() }}

),

final as (

    select
        ---------- keys
        student_id,

        ---------- attributes
        upper(country_code) as country_code,
        timezone as time_zone,
        acquisition_channel,
        utm_source,
        utm_medium,
        utm_campaign,

        ---------- timestamps (UTC)
        signup_at as signed_up_at,

        ---------- lineage
        _loaded_at,
        _source_file,
        _batch_id

    from staged_students

)

select * from final
