with

scorecard as (

    select * from {{ ref('kpi_scorecard') }}

),

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

complete_periods as (

    select
        scorecard.*,
        catalog.max_drop_rate,
        catalog.drop_severity,
        catalog.max_spike_rate,
        catalog.spike_severity,
        catalog.blue_margin_rate,
        catalog.action,
        lag(scorecard.status) over (
            partition by scorecard.kpi_id order by scorecard.period_start
        ) as prior_status,
        {{ scorecard_format_period('scorecard.period_start', 'scorecard.frequency') }}
            as period_label,
        {{ scorecard_format_period('scorecard.prior_period_start', 'scorecard.frequency') }}
            as prior_period_label,
        {{ scorecard_format_value('scorecard.actual_value', 'scorecard.unit') }} as actual_label,
        {{ scorecard_format_value('scorecard.target_value', 'scorecard.unit') }} as target_label,
        {{ scorecard_format_value('scorecard.warning_threshold', 'scorecard.unit') }}
            as warning_label,
        {{ scorecard_format_value('scorecard.critical_threshold', 'scorecard.unit') }}
            as critical_label,
        {{ scorecard_format_value('abs(scorecard.change_rate)', "'rate'") }}
            as change_rate_label
    from scorecard
    inner join catalog
        on scorecard.kpi_id = catalog.kpi_id
    where scorecard.is_complete_period

),

threshold_alerts as (

    select
        kpi_id,
        period_start,
        case status when 'red' then 'critical_threshold' else 'warning_threshold' end as alert_type,
        case status when 'red' then 'critical' else 'warning' end as severity,
        kpi_name || ' was ' || actual_label
        || case frequency when 'daily' then ' on ' else ' in ' end || period_label
        || case status
            when 'red' then ', beyond its critical threshold of ' || critical_label
            else ', beyond its warning threshold of ' || warning_label
        end
        || ' (target ' || target_label || '): ' || action || ' - owner: ' || owner as alert_message
    from complete_periods
    where status in ('red', 'yellow')

),

drop_alerts as (

    select
        kpi_id,
        period_start,
        'drop' as alert_type,
        drop_severity as severity,
        kpi_name || ' fell ' || change_rate_label || ' vs ' || prior_period_label
        || ' (limit ' || {{ scorecard_format_value('max_drop_rate', "'rate'") }} || ', now '
        || actual_label || '): ' || action || ' - owner: ' || owner as alert_message
    from complete_periods
    where change_rate < -max_drop_rate

),

spike_alerts as (

    select
        kpi_id,
        period_start,
        'spike' as alert_type,
        spike_severity as severity,
        kpi_name || ' rose ' || change_rate_label || ' vs ' || prior_period_label
        || ' (limit ' || {{ scorecard_format_value('max_spike_rate', "'rate'") }} || ', now '
        || actual_label || '): ' || action || ' - owner: ' || owner as alert_message
    from complete_periods
    where change_rate > max_spike_rate

),

opportunity_alerts as (

    select
        kpi_id,
        period_start,
        'opportunity' as alert_type,
        'info' as severity,
        kpi_name || ' was ' || actual_label
        || case frequency when 'daily' then ' on ' else ' in ' end || period_label
        || ', beating its target of ' || target_label || ' by more than '
        || {{ scorecard_format_value('blue_margin_rate', "'rate'") }}
        || ': find what drove it and scale it - owner: ' || owner as alert_message
    from complete_periods
    -- A standing over-performance alerts once, when it starts, not every period it lasts.
    where status = 'blue' and coalesce(prior_status, 'none') != 'blue'

),

alerts as (

    select * from threshold_alerts
    union all
    select * from drop_alerts
    union all
    select * from spike_alerts
    union all
    select * from opportunity_alerts

),

final as (

    select
        ---------- keys
        alerts.kpi_id,
        alerts.period_start,
        alerts.alert_type,

        ---------- attributes
        complete_periods.kpi_name,
        complete_periods.pillar,
        complete_periods.frequency,
        complete_periods.owner,
        alerts.severity,
        complete_periods.status,
        alerts.alert_message,

        ---------- measures
        complete_periods.actual_value,
        complete_periods.target_value,
        complete_periods.prior_value,
        complete_periods.change_rate
    from alerts
    inner join complete_periods
        on
            alerts.kpi_id = complete_periods.kpi_id
            and alerts.period_start = complete_periods.period_start

)

select * from final
