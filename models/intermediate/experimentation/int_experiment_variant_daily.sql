{#- One row per experiment, variant and day (UTC) with an assignment or a conversion in the
    experiment: the day's units and conversions and the running totals the sequential test reads
    at that day's end (units assigned so far, and those of them converted so far). Only variants
    of registered experiments count. -#}
with

experiments as (

    select * from {{ ref('stg_experimentation__experiments') }}

),

assignments as (

    select * from {{ ref('stg_experimentation__experiment_assignments') }}

),

registered_assignments as (

    select
        assignments.experiment_id,
        assignments.variant,
        assignments.assigned_at,
        assignments.converted_at
    from assignments
    inner join experiments
        on assignments.experiment_id = experiments.experiment_id

),

assigned_daily as (

    select
        experiment_id,
        variant,
        cast(assigned_at as date) as look_date,
        count(*) as units
    from registered_assignments
    group by experiment_id, variant, cast(assigned_at as date)

),

converted_daily as (

    select
        experiment_id,
        variant,
        cast(converted_at as date) as look_date,
        count(*) as conversions
    from registered_assignments
    where converted_at is not null
    group by experiment_id, variant, cast(converted_at as date)

),

look_days as (

    select
        experiment_id,
        look_date
    from assigned_daily
    union
    select
        experiment_id,
        look_date
    from converted_daily

),

variants as (

    select distinct
        experiment_id,
        variant
    from registered_assignments

),

daily as (

    select
        look_days.experiment_id,
        variants.variant,
        look_days.look_date,
        coalesce(assigned_daily.units, 0) as units,
        coalesce(converted_daily.conversions, 0) as conversions
    from look_days
    inner join variants
        on look_days.experiment_id = variants.experiment_id
    left join assigned_daily
        on
            look_days.experiment_id = assigned_daily.experiment_id
            and variants.variant = assigned_daily.variant
            and look_days.look_date = assigned_daily.look_date
    left join converted_daily
        on
            look_days.experiment_id = converted_daily.experiment_id
            and variants.variant = converted_daily.variant
            and look_days.look_date = converted_daily.look_date

),

final as (

    select
        ---------- keys
        experiment_id,
        variant,
        look_date,

        ---------- measures
        units,
        conversions,
        sum(units) over (
            partition by experiment_id, variant
            order by look_date
            rows between unbounded preceding and current row
        ) as cumulative_units,
        sum(conversions) over (
            partition by experiment_id, variant
            order by look_date
            rows between unbounded preceding and current row
        ) as cumulative_conversions

    from daily

)

select * from final
