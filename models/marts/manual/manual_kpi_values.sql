{#- One row per manual KPI (seeds/manual_kpis.csv) and period of its frequency, from the first
    period with an accepted report (or, for a KPI never reported, the latest complete period if
    the data has started by then) to
    the latest period complete on the as-of day: the current accepted report's value, who
    reported and verified it, and the report status. A period without an accepted report is
    awaiting_report until its due day (due_days after the period's end), then not_reported: the
    scorecard shows "no data" with that reason, and no value is carried forward from an earlier
    period. -#}
with

reports as (

    select * from {{ ref('int_manual_kpi_reports') }}

),

as_of as {{ inline_cte() }} (

    select * from {{ ref('data_as_of_day') }}

),

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

manual_kpis as (

    select * from {{ ref('manual_kpis') }}

),

current_reports as (

    select * from reports
    where is_current_report

),

kpi_bounds as (

    select
        manual_kpis.kpi_id,
        manual_kpis.due_days,
        catalog.frequency,
        {{ kpi_period_shift(
            'catalog.frequency', kpi_period_start('catalog.frequency', 'as_of.as_of_day'), -1
        ) }} as last_complete_period_start,
        {{ kpi_period_start('catalog.frequency', 'as_of.data_start_day') }}
            as data_start_period_start,
        min(current_reports.period_start) as first_reported_period_start
    from manual_kpis
    inner join catalog
        on manual_kpis.kpi_id = catalog.kpi_id
    cross join as_of
    left join current_reports
        on manual_kpis.kpi_id = current_reports.kpi_id
    group by
        manual_kpis.kpi_id,
        manual_kpis.due_days,
        catalog.frequency,
        as_of.as_of_day,
        as_of.data_start_day

),

-- from the first reported period; a KPI never reported from the latest complete period, unless
-- that is before the data starts
kpi_spans as (

    select
        *,
        coalesce(
            first_reported_period_start,
            case
                when last_complete_period_start >= data_start_period_start
                    then last_complete_period_start
            end
        ) as first_period_start
    from kpi_bounds

),

kpi_months as (

    select
        kpi_id,
        due_days,
        frequency,
        {{ marketing_month_series('first_period_start', 'last_complete_period_start') }}
            as period_start
    from kpi_spans
    where first_period_start <= last_complete_period_start

),

kpi_periods as (

    select
        kpi_id,
        due_days,
        frequency,
        period_start,
        {{ kpi_period_shift('frequency', 'period_start', 1) }} as next_period_start
    from kpi_months
    -- the months that start a period of the KPI's frequency
    where period_start = {{ kpi_period_start('frequency', 'period_start') }}

),

with_due_days as (

    select
        *,
        cast({{ dbt.dateadd('day', -1, 'next_period_start') }} as date) as period_end,
        cast({{ dbt.dateadd('day', 'due_days - 1', 'next_period_start') }} as date) as due_date
    from kpi_periods

),

final as (

    select
        ---------- keys
        with_due_days.kpi_id,
        with_due_days.period_start,

        ---------- foreign keys
        current_reports.report_id,

        ---------- attributes
        case
            when current_reports.report_id is not null then 'reported'
            when as_of.as_of_day <= with_due_days.due_date then 'awaiting_report'
            else 'not_reported'
        end as report_status,
        case
            when current_reports.report_id is not null then null
            when as_of.as_of_day <= with_due_days.due_date
                then {{ dbt.concat([
                    "'awaiting the report (due '",
                    'cast(with_due_days.due_date as ' ~ dbt.type_string() ~ ')', "')'"
                ]) }}
            else {{ dbt.concat([
                "'not reported for this period (due '",
                'cast(with_due_days.due_date as ' ~ dbt.type_string() ~ ')', "')'"
            ]) }}
        end as missing_reason,
        current_reports.is_restatement,
        current_reports.reported_by,
        current_reports.value_source,
        current_reports.verified_by,

        ---------- timestamps (UTC)
        -- the period again under the name the scorecard reads for the KPI's frequency
        case when with_due_days.frequency = 'monthly' then with_due_days.period_start end
            as month_start,
        case when with_due_days.frequency = 'quarterly' then with_due_days.period_start end
            as quarter_start,
        with_due_days.period_end,
        with_due_days.due_date,
        current_reports.reported_at,
        current_reports.verified_at,

        ---------- measures
        current_reports.reported_value,
        current_reports.previous_accepted_value

    from with_due_days
    cross join as_of
    left join current_reports
        on
            with_due_days.kpi_id = current_reports.kpi_id
            and with_due_days.period_start = current_reports.period_start

)

select * from final
