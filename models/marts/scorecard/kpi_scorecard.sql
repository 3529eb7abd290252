with

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

kpi_values as (

    select * from {{ ref('int_kpi_values') }}

),

as_of as (

    select * from {{ ref('int_scorecard_as_of_day') }}

),

period_bounds as (

    select
        kpi_values.kpi_id,
        kpi_values.period_start,
        cast(case catalog.frequency
            when 'daily' then {{ dbt.dateadd('day', -1, 'kpi_values.period_start') }}
            when 'weekly' then {{ dbt.dateadd('week', -1, 'kpi_values.period_start') }}
            when 'monthly' then {{ dbt.dateadd('month', -1, 'kpi_values.period_start') }}
            when 'quarterly' then {{ dbt.dateadd('month', -3, 'kpi_values.period_start') }}
        end as date) as prior_period_start,
        cast(case catalog.frequency
            when 'daily' then {{ dbt.dateadd('day', 1, 'kpi_values.period_start') }}
            when 'weekly' then {{ dbt.dateadd('week', 1, 'kpi_values.period_start') }}
            when 'monthly' then {{ dbt.dateadd('month', 1, 'kpi_values.period_start') }}
            when 'quarterly' then {{ dbt.dateadd('month', 3, 'kpi_values.period_start') }}
        end as date) as next_period_start,
        kpi_values.actual_value
    from kpi_values
    inner join catalog
        on kpi_values.kpi_id = catalog.kpi_id

),

periods as (

    select
        kpi_id,
        period_start,
        cast({{ dbt.dateadd('day', -1, 'next_period_start') }} as date) as period_end,
        prior_period_start,
        actual_value
    from period_bounds

),

with_prior as (

    select
        periods.kpi_id,
        periods.period_start,
        periods.period_end,
        periods.prior_period_start,
        periods.actual_value,
        prior_periods.actual_value as prior_value
    from periods
    left join periods as prior_periods
        on
            periods.kpi_id = prior_periods.kpi_id
            and periods.prior_period_start = prior_periods.period_start

),

changes as (

    select
        with_prior.*,
        with_prior.actual_value - with_prior.prior_value as change_value,
        {{ growth_rate('with_prior.actual_value', 'with_prior.prior_value') }} as change_rate
    from with_prior

),

final as (

    select
        ---------- keys
        changes.kpi_id,
        changes.period_start,

        ---------- attributes
        catalog.kpi_name,
        catalog.pillar,
        catalog.level,
        catalog.frequency,
        catalog.unit,
        catalog.direction,
        catalog.owner,
        changes.period_end,
        changes.prior_period_start,
        coalesce(changes.period_end < as_of.as_of_day, false) as is_complete_period,
        {{ kpi_status(
            'changes.actual_value', 'catalog.target', 'catalog.warning_threshold',
            'catalog.critical_threshold', 'catalog.direction', 'catalog.blue_margin_rate'
        ) }} as status,
        {{ kpi_trend_direction('changes.change_value', 'changes.prior_value') }} as trend_direction,

        ---------- measures
        changes.actual_value,
        catalog.target as target_value,
        catalog.warning_threshold,
        catalog.critical_threshold,
        changes.actual_value - catalog.target as target_gap_value,
        changes.prior_value,
        changes.change_value,
        changes.change_rate
    from changes
    inner join catalog
        on changes.kpi_id = catalog.kpi_id
    cross join as_of

)

select * from final
