with

surveys as (

    select * from {{ ref('stg_learning__surveys') }}

),

final as (

    select
        ---------- keys
        survey_response_id,

        ---------- foreign keys
        student_id,
        course_id,

        ---------- attributes
        -- NPS buckets of the 0-10 likelihood to recommend:
        -- 9-10 promoter, 7-8 passive, 0-6 detractor.
        case
            when nps_score >= 9 then 'promoter'
            when nps_score >= 7 then 'passive'
            else 'detractor'
        end as nps_category,
        nps_score >= 9 as is_promoter,
        nps_score between 7 and 8 as is_passive,
        nps_score <= 6 as is_detractor,
        -- CSAT counts a response as satisfied when it scores 4 or 5 on the 1-5 scale.
        csat_score >= 4 as is_satisfied,

        ---------- timestamps (UTC)
        submitted_at,

        ---------- measures
        nps_score,
        csat_score,
        course_rating

    from surveys

)

select * from final
