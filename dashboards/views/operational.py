"""Operational view (teams): one tab per pillar with the month's figures, trends and the tables a
team works from: revenue, instructors, courses (portfolio), students (engagement), campaigns and
course success."""

from __future__ import annotations

import streamlit as st

from dashboards import data, ui

f = ui.current_filters()
ui.header("Operational dashboard", f"Each pillar's figures for {data.month_label(f.month)}, its trend over the last "
          f"{f.months_back} months and the detail behind it.")
ui.filter_note(f)


def rate_delta(current: object, prior: object) -> str | None:
    if data.is_missing(current) or data.is_missing(prior):
        return None
    return f"{(float(current) - float(prior)) * 100:+.1f} pp"


def growth_delta(current: object, prior: object) -> str | None:
    if data.is_missing(current) or data.is_missing(prior) or float(prior) == 0:
        return None
    return f"{(float(current) - float(prior)) / abs(float(prior)) * 100:+.1f}%"


prior_month = data.add_months(f.month, -1)
PILLAR_TABS = (":material/payments: Revenue", ":material/co_present: Instructors", ":material/library_books: Courses",
               ":material/school: Students", ":material/campaign: Campaigns", ":material/verified: Course success")
tabs = st.tabs(PILLAR_TABS)

# -------------------------------------------------------------------------------------- revenue
with tabs[0]:
    revenue, revenue_slice = ui.q("revenue_trend", f)
    by_month = {str(m)[:10]: row for m, row in zip(revenue["month_start"], revenue.to_dict("records"), strict=True)}
    now, before = by_month.get(str(f.month), {}), by_month.get(str(prior_month), {})
    columns = st.columns(4)
    if not revenue_slice.applied:
        with columns[0]:
            ui.metric("Net revenue", now.get("revenue_usd"), "usd",
                      delta=growth_delta(now.get("revenue_usd"), before.get("revenue_usd")),
                      help="Collected payments of the month's orders minus the month's refunds (revenue_monthly).")
        with columns[1]:
            ui.metric("Average order value", now.get("average_order_value_usd"), "usd",
                      delta=growth_delta(now.get("average_order_value_usd"), before.get("average_order_value_usd")))
        with columns[2]:
            ui.metric("Refund rate", now.get("refund_rate"), "rate", inverse=True,
                      delta=rate_delta(now.get("refund_rate"), before.get("refund_rate")))
        with columns[3]:
            ui.metric("Payment success rate", now.get("payment_success_rate"), "rate",
                      delta=rate_delta(now.get("payment_success_rate"), before.get("payment_success_rate")))
    else:
        with columns[0]:
            ui.metric("Line revenue (selection)", now.get("revenue_usd"), "usd",
                      delta=growth_delta(now.get("revenue_usd"), before.get("revenue_usd")),
                      help="Paid lines of paid orders minus refunds of lines, for the selected slices.")
        with columns[1]:
            ui.metric("Paid line value (selection)", now.get("paid_usd"), "usd")
        with columns[2]:
            ui.metric("Refunds (selection)", now.get("refunded_usd"), "usd", inverse=True)
        with columns[3]:
            ui.metric("Paid items (selection)", now.get("paid_items"), "count")
    ui.filter_note(f, revenue_slice.applied)
    left, right = st.columns(2)
    with left:
        ui.line_chart(ui.q("revenue_by_category_trend", f), "revenue_usd", color="category",
                      title="Revenue by category (USD)", fmt="$,.0f", bar=True)
    with right:
        ui.line_chart(revenue, "revenue_usd", title="Revenue trend (USD)", fmt="$,.0f")
    left, middle, right = st.columns(3)
    for column, dimension in zip((left, middle, right), ("category", "instructor tier", "country"), strict=True):
        with column:
            st.markdown(f"**Revenue by {dimension}**, {data.month_label(f.month)}")
            ui.table(ui.q("revenue_by", f, dimension).head(12))

# ---------------------------------------------------------------------------------- instructors
with tabs[1]:
    now = ui.q("month_row", "instructors_monthly", f.month)
    before = ui.q("month_row", "instructors_monthly", prior_month)
    summary = ui.q("instructor_summary")
    columns = st.columns(4)
    with columns[0]:
        ui.metric("Active instructors", now.get("active_instructors"), "count",
                  delta=growth_delta(now.get("active_instructors"), before.get("active_instructors")))
    with columns[1]:
        ui.metric("Instructor retention rate", now.get("instructor_retention_rate"), "rate",
                  delta=rate_delta(now.get("instructor_retention_rate"), before.get("instructor_retention_rate")))
    with columns[2]:
        ui.metric("Courses created", now.get("courses_created"), "count",
                  delta=growth_delta(now.get("courses_created"), before.get("courses_created")))
    with columns[3]:
        ui.metric("Top 10% revenue share", summary.get("top_10_pct_revenue_share"), "rate",
                  help="Share of all-time revenue made by the top tenth of instructors.")
    tiers = ui.q("instructor_tier_trend", f)
    left, right = st.columns(2)
    with left:
        ui.line_chart(tiers, "active_instructors", color="instructor_tier", title="Active instructors by tier",
                      bar=True)
    with right:
        ui.line_chart(tiers, "revenue_usd", color="instructor_tier", title="Instructor revenue by tier (USD)",
                      fmt="$,.0f")
    ui.filter_note(f, ("instructor tier",))
    st.markdown("**Top instructors by revenue** (all time)")
    ui.table(ui.q("top_instructors", f))

# -------------------------------------------------------------------------------------- courses
with tabs[2]:
    now = ui.q("month_row", "scorecard_portfolio_monthly", f.month)
    before = ui.q("month_row", "scorecard_portfolio_monthly", prior_month)
    lifecycle = ui.q("lifecycle_counts", f)
    columns = st.columns(4)
    with columns[0]:
        ui.metric("Courses with enrollments", now.get("courses_with_enrollments"), "count",
                  delta=growth_delta(now.get("courses_with_enrollments"), before.get("courses_with_enrollments")))
    with columns[1]:
        ui.metric("Courses published", now.get("courses_published"), "count")
    with columns[2]:
        ui.metric("Top category enrollment share", now.get("top_category_enrollment_share"), "rate", inverse=True,
                  delta=rate_delta(now.get("top_category_enrollment_share"),
                                   before.get("top_category_enrollment_share")))
    with columns[3]:
        ui.metric("Underperforming courses", lifecycle["underperforming"].sum() if not lifecycle.empty else 0,
                  "count", help="course_portfolio.is_underperforming, in the selected category and tier.")
    left, right = st.columns([2, 1])
    with left:
        ui.line_chart(ui.q("category_demand", f), "enrollments", color="category", title="Enrollments by category",
                      bar=True)
    with right:
        st.markdown("**Courses by lifecycle stage**")
        ui.table(lifecycle)
    ui.filter_note(f, ("category", "instructor tier"))
    st.markdown("**Underperforming courses** (largest revenue first)")
    ui.table(ui.q("course_portfolio", f, underperforming_only=True))

# ------------------------------------------------------------------------------------- students
with tabs[3]:
    now = ui.q("month_row", "engagement_active_students_monthly", f.month)
    before = ui.q("month_row", "engagement_active_students_monthly", prior_month)
    returning = ui.q("month_row", "engagement_new_vs_returning_monthly", f.month)
    economics = ui.q("month_row", "business_customer_economics_monthly", f.month)
    columns = st.columns(4)
    with columns[0]:
        ui.metric("Monthly active students", now.get("active_students"), "count",
                  delta=growth_delta(now.get("active_students"), before.get("active_students")))
    with columns[1]:
        ui.metric("DAU/MAU stickiness", now.get("dau_mau_stickiness_rate"), "rate",
                  delta=rate_delta(now.get("dau_mau_stickiness_rate"), before.get("dau_mau_stickiness_rate")))
    with columns[2]:
        ui.metric("Returning student share", returning.get("returning_student_share"), "rate")
    with columns[3]:
        ui.metric("New paying customers", economics.get("new_paying_customers"), "count")
    left, right = st.columns(2)
    with left:
        ui.line_chart(
            ui.q("monthly_mart", "engagement_new_vs_returning_monthly", ("new_students", "returning_students"), f).melt(
                id_vars=["month_start"], var_name="students", value_name="count"
            ),
            "count",
            color="students",
            title="New vs returning students",
            bar=True,
        )
    with right:
        ui.line_chart(ui.q("monthly_mart", "engagement_active_students_monthly", ("active_students",), f),
                      "active_students", title="Monthly active students")
    st.markdown(f"**Enrollments by student country**, {data.month_label(f.month)}")
    ui.table(ui.q("enrollments_by_country", f))
    ui.filter_note(f, ("category", "instructor tier", "country"))

# ------------------------------------------------------------------------------------ campaigns
with tabs[4]:
    month = ui.q("campaign_month", f)
    columns = st.columns(5)
    for column, (label, key, unit) in zip(columns, (
            ("Campaign spend", "spend_usd", "usd"), ("Campaign ROI", "roi", "ratio"),
            ("Campaign CTR", "ctr", "rate"), ("Campaign engagement rate", "engagement_rate", "rate"),
            ("Campaign CPA", "cpa_usd", "usd")), strict=True):
        with column:
            ui.metric(label, month.get(key), unit)
    ui.filter_note(f, ("campaign platform",))
    trend = ui.q("campaign_trend", f)
    left, right = st.columns(2)
    with left:
        ui.line_chart(trend, "spend_usd", color="platform", title="Campaign spend by platform (USD)", fmt="$,.0f",
                      bar=True)
    with right:
        ui.line_chart(trend, "attributed_revenue_usd", color="platform",
                      title="Attributed revenue by platform (USD)", fmt="$,.0f", bar=True)
    st.markdown("**By platform** (all campaigns to date)")
    ui.table(ui.q("campaigns_by_platform", f))
    st.markdown(f"**Top campaigns**, {data.month_label(f.month)}")
    ui.table(ui.q("top_campaigns", f, f.month, f.month_end))

# ------------------------------------------------------------------------------- course success
with tabs[5]:
    cohorts, cohort_slice = ui.q("enrollment_trend", f)
    by_month = {str(m)[:10]: row for m, row in zip(cohorts["month_start"], cohorts.to_dict("records"), strict=True)}
    cohort, prior_cohort = by_month.get(str(f.month), {}), by_month.get(str(prior_month), {})
    surveys = ui.q("month_row", "course_success_monthly", f.month)
    columns = st.columns(4)
    final = bool(cohort.get("is_final_cohort", False))
    suffix = "" if final or not cohort else " (provisional)"
    window = "within the catalog's cohort window (maturity_days) of enrollment"
    with columns[0]:
        ui.metric(f"Completion rate{suffix}", cohort.get("completion_rate" if final else "completion_rate_so_far"),
                  "rate", delta=rate_delta(cohort.get("completion_rate"), prior_cohort.get("completion_rate")),
                  help=f"Completed {window} / enrollments of the month's cohort. Provisional until every "
                       "enrollment of the cohort has had the window: not compared.")
    with columns[1]:
        ui.metric(f"Certification rate{suffix}",
                  cohort.get("certification_rate" if final else "certification_rate_so_far"), "rate",
                  delta=rate_delta(cohort.get("certification_rate"), prior_cohort.get("certification_rate")))
    with columns[2]:
        ui.metric("Course NPS", surveys.get("nps"), "score", help="All courses (survey month).")
    with columns[3]:
        ui.metric("CSAT rate", surveys.get("csat_rate"), "rate", help="All courses (survey month).")
    ui.filter_note(f, cohort_slice.applied)
    left, right = st.columns(2)
    with left:
        ui.line_chart(cohorts, ["completion_rate", "certification_rate"], title="Completion and certification rate",
                      fmt=".0%")
    with right:
        ui.line_chart(ui.q("monthly_mart", "course_success_monthly", ("csat_rate", "assignment_submission_rate",
                                                                      "video_watch_rate"), f),
                      ["csat_rate", "assignment_submission_rate", "video_watch_rate"],
                      title="CSAT, assignment submission and video watch rate", fmt=".0%")
    st.markdown("**Lowest completion** (courses with at least 20 enrollments)")
    ui.table(ui.q("course_success_by_course", f))
