"""Executive view (C-level): targets met and the status counts (shared vocabulary), headline KPIs
with value, target, change and status, the full scorecard, trend charts and the active alerts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data, drilldown, ui

f = ui.current_filters()
ui.header("Executive dashboard", "Strategic KPIs against target, month-over-month trends and the alerts that need a "
          "decision. KPI values are company-wide; the slices filter the trend charts.")

scorecard = ui.q("scorecard_for_month", f.month)
if scorecard.empty:
    st.warning(f"No KPI values for {data.month_label(f.month)}.")
    st.stop()

# ------------------------------------------------------------------------------- overall health
# Counted over the month's monthly KPIs, in the shared status vocabulary: the same numbers as the
# monthly report and the terminal scorecard.
statuses = pd.Series(data.headline_statuses(scorecard)).value_counts()
met, judged = data.targets_met(scorecard)
left, *counts = st.columns([2, 1, 1, 1, 1, 1])
with left:
    st.metric("Targets met", f"{met} of {judged}" if judged else "n/a", border=True,
              help=data.overall_summary(scorecard) + ". Monthly KPIs on or beating their target, of those with a "
                   "target and a final value.")
for column, status in zip(counts, ("off_target", "at_risk", "on_target", "beating_target", "provisional"), strict=True):
    with column:
        st.metric(f":{data.STATUS_COLORS[status]}[{data.STATUS_ICONS[status]}] {data.STATUS_LABELS[status]}",
                  data.plural(int(statuses.get(status, 0)), "KPI"), border=True)
st.caption(f"Overall: {data.overall_summary(scorecard)}.")

# ----------------------------------------------------------------------------- headline KPIs
st.subheader(f"Headline KPIs · {data.month_label(f.month)}")
headline = scorecard[scorecard["level"] == "strategic"].reset_index(drop=True)
history = ui.q("kpi_history", tuple(headline["kpi_id"]), f.trend_start, f.month_end)
per_row = 5
for start in range(0, len(headline), per_row):
    columns = st.columns(per_row)
    # the last row of cards may be shorter than the row of columns
    for column, (_, row) in zip(columns, headline.iloc[start:start + per_row].iterrows(), strict=False):
        with column:
            ui.kpi_card(row, history)

with st.expander(f"All {len(scorecard)} KPIs of the scorecard (strategic, tactical, operational)", expanded=False):
    st.dataframe(ui.style_status(ui.scorecard_table(scorecard)), hide_index=True, width="stretch")

executive = ui.q("executive_scorecard")
with st.expander(f"Executive scorecard of the monitoring framework: {data.coverage_summary(executive)}",
                 expanded=False):
    st.caption("Each KPI of the reference's executive scorecard with the KPI that measures it here and its latest "
               "final period; a KPI reported by hand that was not reported shows no data, never an older value.")
    st.dataframe(ui.style_status(ui.executive_table(executive)), hide_index=True, width="stretch")

# ------------------------------------------------------------------------------------- trends
st.subheader("Trends")
revenue, revenue_slice = ui.q("revenue_trend", f)
left, right = st.columns(2)
with left:
    title = "Net revenue (USD)" if not revenue_slice.applied else "Line revenue of the selection (USD)"
    ui.line_chart(revenue, "revenue_usd", title=title, fmt="$,.0f", bar=True)
    ui.filter_note(f, revenue_slice.applied)
with right:
    subscriptions = ui.q("monthly_mart", "business_subscriptions_monthly", ("mrr_usd",), f)
    ui.line_chart(subscriptions, "mrr_usd", title="Monthly recurring revenue (USD)", fmt="$,.0f")

left, right = st.columns(2)
with left:
    enrollments, enrollment_slice = ui.q("enrollment_trend", f)
    ui.line_chart(enrollments, ["completion_rate", "certification_rate"],
                  title="Completion and certification within the cohort window (mature cohorts)", fmt=".0%")
    ui.filter_note(f, enrollment_slice.applied)
with right:
    active = ui.q("monthly_mart", "engagement_active_students_monthly", ("active_students",), f)
    ui.line_chart(active, "active_students", title="Monthly active students")

left, right = st.columns(2)
with left:
    campaigns = ui.q("campaign_trend", f)
    ui.line_chart(campaigns, "roi", color="platform", title="Campaign ROI by platform", fmt=".1f")
    ui.filter_note(f, ("campaign platform",))
with right:
    success = ui.q("monthly_mart", "course_success_monthly", ("nps",), f)
    ui.line_chart(success, "nps", title="Course NPS", fmt=".0f")

# ------------------------------------------------------------------------------------- alerts
st.subheader("Active alerts")
alerts = ui.q("active_alerts", f.month)
urgent = alerts[alerts["severity"].isin(["critical", "warning"])]
insights = alerts[~alerts["severity"].isin(["critical", "warning"])]
st.caption(f"{(alerts['severity'] == 'critical').sum()} critical · {(alerts['severity'] == 'warning').sum()} "
           f"warning · {len(insights)} insights, on the periods shown above.")
ui.alert_list(urgent, empty="No critical or warning alert: every KPI is inside its expected range and none "
                            "turned off target.")
if not insights.empty:
    with st.expander(f"Blue insights and informational alerts ({len(insights)})"):
        ui.alert_list(insights)

# ------------------------------------------------------------------------------ why is it red
drilldown.why_red(scorecard, alerts, f.month)

st.caption(f"Periods: monthly KPIs {data.month_label(f.month)}; daily, weekly and quarterly KPIs their newest "
           f"complete period ending by the month's end (hover a KPI for its period). "
           f"Generated {pd.Timestamp(ui.now_utc()):%Y-%m-%d %H:%M} UTC.")
