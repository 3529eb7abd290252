{#- One row per staged manual KPI report (stg_manual__kpi_reports) checked against the catalog:
    the KPI must be a manual one (seeds/manual_kpis.csv), the period written in its frequency
    (2026-11 for a month, 2026-Q3 for a quarter) and over when reported, the verifier another
    person than the reporter, the value within the KPI's range (orchestration/manual_kpis.py
    checks the same before it writes a report). A report failing a check keeps its row with rejection_reason, never dropped;
    among the accepted reports of a KPI and period the newest (reported_at, then report_id) is
    the current one, and one that replaced an accepted value with another is a restatement. -#}
with

reports as (

    select * from {{ ref('stg_manual__kpi_reports') }}

),

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

manual_kpis as (

    select * from {{ ref('manual_kpis') }}

),

with_rules as (

    select
        reports.*,
        catalog.frequency,
        manual_kpis.min_value,
        manual_kpis.max_value,
        manual_kpis.kpi_id is not null as is_manual_kpi,
        case catalog.frequency
            when 'monthly'
                then {{ regexp_full_match('reports.period_label', '[0-9]{4}-(0[1-9]|1[0-2])') }}
            when 'quarterly'
                then {{ regexp_full_match('reports.period_label', '[0-9]{4}-Q[1-4]') }}
            else false
        end as is_period_label_valid
    from reports
    left join manual_kpis
        on reports.kpi_id = manual_kpis.kpi_id
    left join catalog
        on manual_kpis.kpi_id = catalog.kpi_id

),

periods as (

    select
        *,
        case
            when is_period_label_valid and frequency = 'monthly'
                then cast({{ dbt.concat(['period_label', "'-01'"]) }} as date)
            when is_period_label_valid and frequency = 'quarterly'
                then cast({{ dbt.concat([
                    'substring(period_label, 1, 4)',
                    "case substring(period_label, 7, 1)"
                    ~ " when '1' then '-01-01' when '2' then '-04-01'"
                    ~ " when '3' then '-07-01' else '-10-01' end"
                ]) }} as date)
        end as period_start
    from with_rules

),

period_ends as (

    select
        *,
        {{ kpi_period_shift('frequency', 'period_start', 1) }} as next_period_start
    from periods

),

checked as (

    select
        *,
        case
            when not is_manual_kpi
                then {{ dbt.concat([
                    "'unknown KPI: '", 'kpi_id', "' is not a manual KPI of the catalog'"
                ]) }}
            when not is_period_label_valid
                then {{ dbt.concat([
                    "'period: '", 'period_label', "' is not a '", 'frequency',
                    "' period (2026-11 for a month, 2026-Q3 for a quarter)'"
                ]) }}
            when next_period_start > cast(reported_at as date)
                then {{ dbt.concat([
                    "'period not over: '", 'period_label', "' ends after the report ('",
                    'cast(cast(reported_at as date) as ' ~ dbt.type_string() ~ ')', "')'"
                ]) }}
            when lower(trim(verified_by)) = lower(trim(reported_by))
                then {{ dbt.concat([
                    "'verification: reported and verified by the same person ('",
                    'reported_by', "')'"
                ]) }}
            when reported_value < min_value or reported_value > max_value
                then {{ dbt.concat([
                    "'value out of range: '",
                    'cast(reported_value as ' ~ dbt.type_string() ~ ')',
                    "' is outside '", 'cast(min_value as ' ~ dbt.type_string() ~ ')',
                    "' to '", 'cast(max_value as ' ~ dbt.type_string() ~ ')'
                ]) }}
        end as rejection_reason
    from period_ends

),

flagged as (

    select
        *,
        rejection_reason is null as is_accepted
    from checked

),

-- the accepted reports of a KPI and period, newest first (rejected ones rank among themselves)
ranked as (

    select
        *,
        row_number() over (
            partition by kpi_id, period_start, is_accepted
            order by reported_at desc, report_id desc
        ) as newest_rank,
        lead(reported_value) over (
            partition by kpi_id, period_start, is_accepted
            order by reported_at desc, report_id desc
        ) as older_value
    from flagged

),

final as (

    select
        ---------- keys
        report_id,

        ---------- foreign keys
        kpi_id,

        ---------- attributes
        period_label,
        frequency,
        rejection_reason,
        is_accepted,
        is_accepted and newest_rank = 1 as is_current_report,
        coalesce(is_accepted and older_value != reported_value, false) as is_restatement,
        reported_by,
        value_source,
        verified_by,
        note,

        ---------- timestamps (UTC)
        period_start,
        cast({{ dbt.dateadd('day', -1, 'next_period_start') }} as date) as period_end,
        reported_at,
        verified_at,

        ---------- measures
        reported_value,
        case when is_accepted then older_value end as previous_accepted_value

    from ranked

)

select * from final
