"""Tactical view (daily operations): today's numbers against the day before, data freshness and
quality against the standards (24-hour timeliness, 100% completeness, 99% accuracy), and the
issues needing attention (alerts, at-risk instructors, underperforming courses, top campaigns)."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboards import data, ui

f = ui.current_filters()
publish = ui.header("Tactical dashboard", "Today's numbers, whether the data is fresh and trustworthy, and what needs "
                    "attention now.")

# ------------------------------------------------------------------------------- today's numbers
day = ui.q("as_of_day")
if day is None:
    st.warning("No daily data in the serving file.")
    st.stop()
previous = day - timedelta(days=1)
as_of = ui.q("data_as_of", publish)
st.subheader(f"Today: {ui.day_label(day)}")
hours = data.elapsed_hours(day, as_of)
if hours is None:
    st.caption(f"The newest day in the data (UTC), complete; changes are against {ui.day_label(previous)}.")
else:
    # like for like: the same elapsed part of both days, never a part of today against all of yesterday
    st.caption(f"The newest day in the data (UTC), partial up to the data's as-of time ({ui.fmt_time(as_of)}): "
               f"its first {hours} hours against the same {hours} hours of {ui.day_label(previous)}. Active "
               f"students and campaign spend are daily figures: shown for complete days only.")
today, yesterday = ui.q("day_numbers", day, f, hours), ui.q("day_numbers", previous, f, hours)


def change(key: str, unit: str) -> str | None:
    return data.format_change(
        None if data.is_missing(today.get(key)) or data.is_missing(yesterday.get(key)) else
        float(today[key]) - float(yesterday[key]),
        None if data.is_missing(today.get(key)) or data.is_missing(yesterday.get(key)) or not yesterday[key] else
        (float(today[key]) - float(yesterday[key])) / abs(float(yesterday[key])),
        unit)


figures = (
    ("Active students", "active_students", "count", False),
    ("Sessions", "sessions", "count", False),
    ("Session conversion rate", "conversion_rate", "rate", False),
    ("Bounce rate", "bounce_rate", "rate", True),
    ("Orders", "orders", "count", False),
    ("Collected revenue", "collected_usd", "usd", False),
    ("Enrollments", "enrollments", "count", False),
    ("Campaign spend", "campaign_spend_usd", "usd", True),
)
for start in range(0, len(figures), 4):
    # the last row of tiles may be shorter than the four columns
    for column, (label, key, unit, inverse) in zip(st.columns(4), figures[start:start + 4], strict=False):
        with column:
            ui.metric(label, today.get(key), unit, delta=change(key, unit), inverse=inverse)
ui.filter_note(f, ("country", "category", "instructor tier", "campaign platform"))
st.caption("Active students and web traffic are platform-wide; orders and revenue take the country slice; "
           "enrollments the category, tier and country slices; campaign spend the platform slice.")

# ------------------------------------------------------------------------ data freshness & quality
st.subheader("Data freshness and quality")
fresh = data.freshness(publish.get("published_at") if publish else None, as_of, ui.now_utc())
scores = ui.q("dq_scores")
overall = scores[scores["standard"] == "overall"]
columns = st.columns(4)
with columns[0]:
    age = fresh["data_age_hours"]
    st.metric("Data age", "n/a" if age is None else f"{age:.1f} h", border=True,
              help=f"Hours since the data's as-of time; the timeliness standard is {data.TIMELINESS_HOURS} h.")
    if data.is_historical(publish):
        st.markdown(":gray-badge[Historical export: not applicable]")
    elif age is not None:
        st.markdown(":green-badge[Within 24 h]" if fresh["is_timely"] else ":red-badge[Older than 24 h]")
with columns[1]:
    publish_age = fresh["publish_age_hours"]
    st.metric("Last publish", "n/a" if publish_age is None else f"{publish_age:.1f} h ago", border=True,
              help=ui.fmt_time(publish.get("published_at")) if publish else "no publish recorded")
with columns[2]:
    score = None if overall.empty else float(overall["score"].iloc[0])
    st.metric("Data quality score", data.format_value(score, "rate"), border=True,
              help="Share of the latest validation run's expectations met (audit.dq_scores).")
    if score is not None:
        st.markdown(":green-badge[All expectations met]" if score >= 1 else
                    ":orange-badge[Expectations failing]")
with columns[3]:
    met = "n/a" if overall.empty else f"{int(overall['met'].iloc[0])} / {int(overall['expectations'].iloc[0])}"
    st.metric("Expectations met", met, border=True,
              help=f"Validation run {overall['run_id'].iloc[0] if not overall.empty else 'n/a'}")

left, right = st.columns(2)
with left:
    st.markdown("**Quality by standard** (latest validation run)")
    standards = scores[scores["standard"] != "overall"].copy()
    if standards.empty:
        st.caption("No validation recorded in the serving file (audit.dq_scores).")
    else:
        standards["Status"] = ["Met" if m == e else "Failing" for m, e in
                               zip(standards["met"], standards["expectations"], strict=True)]
        ui.table(ui.style_status(standards[["standard", "Status", "met", "expectations", "score"]]),
                 score=st.column_config.NumberColumn("score", format="percent"))
with right:
    st.markdown("**How far each source reaches**")
    sources = data.source_freshness(publish)
    if sources.empty:
        st.caption("The publish records no per-source freshness.")
    else:
        now = ui.now_utc()
        sources["hours_behind"] = [max((now - t).total_seconds() / 3600, 0.0) if t is not None and not pd.isna(t)
                                   else None for t in sources["data_as_of"]]
        sources["Status"] = ["Historical" if data.is_historical(publish) else
                             "Fresh" if h is not None and h <= data.TIMELINESS_HOURS else "Stale"
                             for h in sources["hours_behind"]]
        ui.table(ui.style_status(sources),
                 hours_behind=st.column_config.NumberColumn("hours behind", format="%.1f"))

failures = ui.q("dq_failures", None if overall.empty else overall["run_id"].iloc[0])
if failures.empty:
    st.success("Every expectation of the latest validation run is met.")
else:
    st.error(f"{len(failures)} failed expectation(s) in the latest validation run:")
    ui.table(failures)
if publish:
    with st.expander(f"Published tables ({publish.get('table_count', '?')} tables, "
                     f"{publish.get('total_rows') or 0:,} rows)"):
        ui.table(ui.q("publish_tables", publish.get("publish_id")))
        st.caption(f"dbt {publish.get('dbt_version')} · project {publish.get('project_version')} · "
                   f"commit {publish.get('git_commit')} · run {publish.get('run_id')}")

# --------------------------------------------------------------------------------------- issues
st.subheader("Issues needing attention")
alerts = ui.q("recent_alerts", day)
st.caption("Critical and warning alerts of the daily and weekly KPIs over the last 7 days, and of the monthly and "
           "quarterly KPIs for their newest complete period.")
ui.alert_list(alerts, empty="No critical or warning alerts.")
items = ui.q("attention_items", f)
left, right = st.columns(2)
with left:
    st.markdown(f"**At-risk instructors** ({len(items['at_risk_instructors'])})")
    ui.table(items["at_risk_instructors"])
with right:
    st.markdown(f"**Underperforming courses** ({len(items['underperforming_courses'])} shown)")
    ui.table(items["underperforming_courses"][["course_title", "category", "lifecycle_stage",
                                               "enrollment_trend_rate", "revenue_usd"]])
st.markdown("**Top campaigns, last 7 days** (by attributed revenue)")
campaigns = ui.q("top_campaigns", f, day - timedelta(days=6), day + timedelta(days=1))
ui.table(campaigns[["campaign_name", "platform", "influencer_tier", "spend_usd", "attributed_revenue_usd", "roi",
                    "ctr"]])
