{%- set settings = scorecard_baseline_settings() %}
{%- set sigmas = scorecard_by_frequency(settings.sigmas, 'frequency') %}
{%- set threshold_sampling_error = kpi_sampling_error(
    'sampling_error', 'critical_threshold', 'sample_size'
) %}
{#- the range's half-width over sigmas (not its width: a floored lower bound is not symmetric) -#}
{%- set history_deviation = '(expected_upper_value - expected_value) / (' ~ sigmas ~ ')' %}

with

scorecard as (

    select * from {{ ref('kpi_scorecard') }}

),

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

template as (

    select * from {{ ref('kpi_template') }}

),

-- Only final periods are judged (complete, mature, not partial), and only with the sample the
-- catalog asks for: a provisional cohort or a month of three campaigns never alerts.
judged_periods as (

    select
        scorecard.*,
        -- the KPI template's why it matters; the definition for a KPI without a template row
        coalesce(template.why_it_matters, catalog.definition) as why_it_matters,
        catalog.sample_column,
        catalog.sampling_error,
        catalog.max_drop_rate,
        catalog.drop_severity,
        catalog.max_spike_rate,
        catalog.spike_severity,
        catalog.action,
        catalog.moves_with_kpi_id
    from scorecard
    inner join catalog
        on scorecard.kpi_id = catalog.kpi_id
    left join template
        on scorecard.kpi_id = template.kpi_id
    where
        scorecard.is_final_period
        and (catalog.min_sample is null or scorecard.sample_size >= catalog.min_sample)

),

with_prior_judgement as (

    select
        *,
        -- the noise a breach must stand out from: the larger of the sampling error of the KPI with
        -- its sample at the threshold (catalog sampling_error) and the KPI's own robust standard
        -- deviation (expected range half-width / sigmas); null when neither is known
        coalesce(
            greatest({{ threshold_sampling_error }}, {{ history_deviation }}),
            {{ threshold_sampling_error }},
            {{ history_deviation }}
        ) as noise_value,
        lag(status) over (partition by kpi_id order by period_start) as prior_status,
        case
            when expected_value is null or expected_value = 0 then null
            else (actual_value - expected_value) / abs(expected_value)
        end as deviation_rate
    from judged_periods

),

-- A breach: the value left its expected range (learned from the KPI's own history) in a direction
-- the catalog alerts on, by more than the catalog's practical limit (max_drop_rate /
-- max_spike_rate of the expected value). A value just outside its range but within the
-- practical limit is noise, not the start of a shift.
breaches as (

    select
        *,
        coalesce(range_position = 'below' and deviation_rate < -max_drop_rate, false)
            as is_drop_breach,
        coalesce(range_position = 'above' and deviation_rate > max_spike_rate, false)
            as is_spike_breach
    from with_prior_judgement

),

-- The reasons a period alerts, each at most once per KPI and period:
-- * off target: the status turned off_target (beyond the critical threshold) this period, by more
--   than threshold_z times the noise (a rate's sampling error with its sample, else the KPI's
--   robust standard deviation; without either, in the KPI's training periods, no evidence: no
--   alert): a hair's breadth breach of a noisy KPI is a status, not an alert; a standing breach
--   alerts when it starts, not every period it lasts;
-- * drop / spike: a breach this period and none in the same direction the period before (a
--   lasting shift alerts once, when it starts; a prior value merely outside its range does not
--   hide a real breach).
reasons as (

    select
        *,
        status = 'off_target'
        and coalesce(prior_status, 'none') != 'off_target'
        and coalesce(
            abs(actual_value - critical_threshold)
            > {{ scorecard_by_frequency(settings.threshold_z, 'frequency') }} * noise_value,
            false
        ) as is_off_target,
        is_drop_breach
        and not coalesce(
            lag(is_drop_breach) over (partition by kpi_id order by period_start), false
        ) as is_drop,
        is_spike_breach
        and not coalesce(
            lag(is_spike_breach) over (partition by kpi_id order by period_start), false
        ) as is_spike
    from breaches

),

alerting as (

    select
        *,
        case
            when is_off_target then 'off_target'
            when is_drop then 'drop'
            else 'spike'
        end as alert_type,
        case
            when is_off_target then 'critical'
            when is_drop then drop_severity
            else spike_severity
        end as severity,
        {{ scorecard_format_period('period_start', 'frequency') }} as period_label,
        {{ scorecard_format_value('actual_value', 'unit') }} as actual_label,
        {{ scorecard_format_value('expected_value', 'unit') }} as expected_label,
        {{ scorecard_format_value('expected_lower_value', 'unit') }} as lower_label,
        {{ scorecard_format_value('expected_upper_value', 'unit') }} as upper_label,
        {{ scorecard_format_value('target_value', 'unit') }} as target_label,
        {{ scorecard_format_value('critical_threshold', 'unit') }} as critical_label,
        {{ scorecard_format_value('sample_size', "'count'") }} as sample_label
    from reasons
    where is_off_target or is_drop or is_spike

),

messages as (

    select
        *,
        kpi_name || ' was ' || actual_label
        || case frequency when 'daily' then ' on ' else ' in ' end || period_label
        || case
            when range_position = 'below'
                then ', below its expected range of ' || lower_label || ' to ' || upper_label
            when range_position = 'above'
                then ', above its expected range of ' || lower_label || ' to ' || upper_label
            when expected_value is not null
                then ', inside its expected range of ' || lower_label || ' to ' || upper_label
            else ''
        end
        || case
            when expected_value is not null
                then ' (expected ' || expected_label || ' from '
                    || cast(history_periods as {{ dbt.type_string() }}) || ' prior periods)'
            else ''
        end
        || case
            when is_off_target
                then ', beyond its critical threshold of ' || critical_label
                    || ' (target ' || target_label || ')'
            else ''
        end
        || case
            when sample_column is not null
                then '; sample ' || sample_label || ' ' || replace(sample_column, '_', ' ')
            else ''
        end as observation_text,
        '. Why it matters: ' || why_it_matters || '. Action: ' || action
        || ' - owner: ' || owner as context_text
    from alerting

),

-- A KPI that moves with another by construction (catalog moves_with_kpi_id) and alerts the same
-- way in the same period as it is one event, told once: in the leader's alert, after what the
-- leader observed.
folded_alerts as (

    select
        follower.kpi_id,
        follower.period_start,
        follower.alert_type,
        follower.moves_with_kpi_id as leader_kpi_id,
        '. Moving with it: ' || follower.kpi_name || ' ' || follower.actual_label
        || case
            when follower.range_position in ('below', 'above')
                then ' (expected ' || follower.lower_label || ' to ' || follower.upper_label || ')'
            else ''
        end as follower_note
    from messages as follower
    inner join messages as leader
        on
            follower.moves_with_kpi_id = leader.kpi_id
            and follower.period_start = leader.period_start
            and follower.alert_type = leader.alert_type
    -- an anomaly (a drop or spike) is shared; missing a target is each KPI's own
    where follower.alert_type in ('drop', 'spike')

),

follower_notes as (

    select
        leader_kpi_id as kpi_id,
        period_start,
        alert_type,
        {{ dbt.listagg('follower_note', "''", 'order by kpi_id') }} as follower_notes
    from folded_alerts
    group by leader_kpi_id, period_start, alert_type

),

told_once as (

    select
        messages.*,
        messages.observation_text || coalesce(follower_notes.follower_notes, '')
        || messages.context_text as alert_message
    from messages
    left join follower_notes
        on
            messages.kpi_id = follower_notes.kpi_id
            and messages.period_start = follower_notes.period_start
            and messages.alert_type = follower_notes.alert_type
    left join folded_alerts
        on
            messages.kpi_id = folded_alerts.kpi_id
            and messages.period_start = folded_alerts.period_start
            and messages.alert_type = folded_alerts.alert_type
    where folded_alerts.kpi_id is null

),

final as (

    select
        ---------- keys
        kpi_id,
        period_start,
        alert_type,

        ---------- attributes
        kpi_name,
        pillar,
        frequency,
        owner,
        severity,
        status,
        range_position,
        alert_message,

        ---------- measures
        actual_value,
        target_value,
        expected_value,
        expected_lower_value,
        expected_upper_value,
        sample_size,
        history_periods,
        prior_value,
        change_rate
    from told_once

)

select * from final
