"""The role dashboards (dashboards/: Streamlit, reading the serving file read-only).

- Fast: the data-access module's pure functions (formatting, slices, period choice, alerts,
  freshness, publish info) on small in-memory DuckDB tables.
- Slow, on a serving file published (orchestration.serving.publish) from the golden build
  (tests/conftest.py, once per session) with a recorded validation run:
  * Streamlit's app testing API (AppTest) runs each page without an exception, and the figures it
    shows (st.metric values, alert counts, the as-of/publish line) equal SQL on the same file,
    with and without filters;
  * a real browser: `streamlit run` on a free 127.0.0.1 port, headless Chromium driven over the
    DevTools protocol loads each page (and each operational tab), waits until Streamlit has
    rendered it (not the skeleton), checks the text and saves a screenshot to artifacts/.

Why not tests/browser.py's screenshot_and_dom(): it waits with Chromium's virtual time budget, which
runs ahead of real time while the page waits on Streamlit's websocket, so it captures the loading
skeleton whatever the budget (measured). The DevTools session here waits on the rendered DOM.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from orchestration.settings import PROJECT_DIR, Settings

if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from dashboards import data, drilldown  # noqa: E402
from orchestration.reports.drivers import NO_SLICES  # noqa: E402

APP = PROJECT_DIR / "dashboards" / "app.py"
PAGES = {"executive": "views/executive.py", "operational": "views/operational.py", "tactical": "views/tactical.py"}
TOLERANCE = {"usd": 0.005, "rate": 0.0005, "ratio": 0.005, "count": 0.5, "score": 0.05}


# ================================================================================ pure functions
def test_format_value_by_unit() -> None:
    assert data.format_value(176737.614, "usd") == "$176,738"
    assert data.format_value(67.0034, "usd") == "$67.00"
    assert data.format_value(-1234.5, "usd") == "-$1,234"
    assert data.format_value(0.089254, "rate") == "8.9%"
    assert data.format_value(3.798, "ratio") == "3.80"
    assert data.format_value(3258, "count") == "3,258"
    assert data.format_value(54.3027, "score") == "54.3"
    assert data.format_value(None, "usd") == "n/a"
    assert data.format_value(float("nan"), "rate") == "n/a"


def test_format_change_in_points_for_rates_and_percent_otherwise() -> None:
    assert data.format_change(-0.0215, -0.08, "rate") == "-2.1 pp"
    assert data.format_change(-50000, -0.172, "usd") == "-17.2%"
    assert data.format_change(3.0, None, "count") == "+3.00"
    assert data.format_change(None, None, "count") is None


def test_parse_number_reads_what_format_writes() -> None:
    for value, unit in ((176737.61, "usd"), (0.0893, "rate"), (3.8, "ratio"), (3258, "count"), (-12.5, "usd")):
        shown = data.parse_number(data.format_value(value, unit))
        assert shown == pytest.approx(value * 100 if unit == "rate" else value, abs=1)


def test_benchmark_band_interim_target_and_progress_texts() -> None:
    assert data.benchmark_text(0.15, 0.25, "within", "rate") == "15.0%–25.0%, within"
    assert data.benchmark_text(20.0, 100.0, None, "usd") == "$20.00–$100.00"  # no final value: no position
    assert data.benchmark_text(None, float("nan"), None, "rate") is None  # the references give no band
    assert data.interim_text(90, 0.2337, False, "rate") == "23.4% (90 days), missed"
    assert data.interim_text(30.0, 163.26, True, "usd") == "$163.26 (30 days), met"
    assert data.interim_text(365, 60.0, pd.NA, "score") == "60.0 (365 days)"  # not judged (provisional)
    assert data.interim_text(float("nan"), None, None, "rate") is None  # no target, or before the plan
    assert [data.progress_text(p) for p in (0.4071, 1.377, -3.312)] == [
        "41% of the way", "138% of the way", "-331% of the way"]
    assert data.progress_text(float("nan")) is None
    row = pd.Series({"unit": "rate", "benchmark_low": 0.05, "benchmark_high": 0.15, "benchmark_position": "below",
                     "interim_target_days": 365, "interim_target_value": 0.025, "interim_target_met": False,
                     "target_progress_rate": 0.89})
    assert data.plan_line(row) == ("benchmark 5.0%–15.0%, below · interim target 2.5% (365 days), missed · "
                                   "progress to the yearly target 89% of the way")
    bare = pd.Series({"unit": "usd", "benchmark_low": None, "benchmark_high": None, "benchmark_position": None,
                      "interim_target_days": None, "interim_target_value": None, "interim_target_met": None,
                      "target_progress_rate": None})
    assert data.plan_line(bare) == "no benchmark or interim target"


def test_status_labels_colours_and_delta_direction() -> None:
    # the vocabulary every surface shares (orchestration.reports.status)
    assert [data.status_text(s) for s in ("off_target", "at_risk", "on_target", "beating_target", "untargeted",
                                          "provisional", "no_data", None)] == [
        "off target", "at risk", "on target", "beating target", "no target", "provisional", "no data", "no data"]
    assert set(data.STATUS_COLORS) == set(data.STATUS_LABELS) == set(data.STATUS_ICONS) == {
        "off_target", "at_risk", "on_target", "beating_target", "untargeted", "provisional", "no_data"}
    assert data.STATUS_COLORS["no_data"] == data.STATUS_COLORS["provisional"] == "gray"
    assert data.delta_color("lower_is_better") == "inverse"
    assert data.delta_color("higher_is_better") == "normal"


def test_a_partial_day_is_compared_with_the_same_hours_of_the_day_before() -> None:
    day = date(2026, 12, 3)
    assert data.elapsed_hours(day, datetime(2026, 12, 3, 8, 30)) == 8  # 08:30: the first 8 whole hours
    assert data.elapsed_hours(day, datetime(2026, 12, 4, 0, 0)) is None  # the day is complete
    assert data.elapsed_hours(day, None) is None


def test_months_and_filters() -> None:
    assert data.add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert data.add_months(date(2026, 11, 1), 2) == date(2027, 1, 1)
    f = data.Filters(month=date(2026, 3, 1), months_back=12, categories=("business",))
    assert (f.trend_start, f.month_end) == (date(2025, 4, 1), date(2026, 4, 1))
    assert f.active() == {"category": ("business",)}
    assert data.month_label(date(2026, 3, 1), complete=False) == "March 2026 (partial)"
    assert (data.plural(1, "KPI"), data.plural(0, "KPI"), data.plural(3, "KPI")) == ("1 KPI", "0 KPIs", "3 KPIs")
    assert [data.period_label(date(2026, 7, 1), "quarterly"), data.period_label(date(2026, 10, 19), "weekly"),
            data.period_label(date(2026, 10, 31), "daily"), data.period_label(date(2026, 10, 1), "monthly")] == [
        "Q3 2026", "week of 2026-10-19", "2026-10-31", "October 2026"]


def test_make_slice_applies_only_the_slices_a_query_carries() -> None:
    f = data.Filters(month=date(2026, 3, 1), categories=("a", "b"), platforms=("x",), countries=("US",))
    s = data.make_slice(f, category="category", country="country_code")
    assert s.applied == ("category", "country")
    assert s.params == (["a", "b"], ["US"])
    assert s.where("month_start = ?").startswith("where month_start = ? and category in")
    assert data.make_slice(data.Filters(month=date(2026, 3, 1)), category="category").where() == ""
    with duckdb.connect() as con:
        con.execute("create table t as select * from (values ('a', 'US'), ('b', 'FR'), ('c', 'US')) v(category, "
                    "country_code)")
        assert con.execute(f"select count(*) from t {s.where()}", list(s.params)).fetchone()[0] == 1


@pytest.fixture
def scorecard_con() -> duckdb.DuckDBPyConnection:
    """A miniature marts.kpi_scorecard / kpi_alerts: a monthly, a daily, a weekly and a quarterly KPI."""
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("""
        create table marts.kpi_scorecard as select * from (values
            ('m', 'Monthly', 'revenue', 'strategic', 'monthly', 'usd', 'higher_is_better', 'Finance',
             date '2026-02-01', date '2026-02-28', true, 'on_target', 10.0),
            ('m', 'Monthly', 'revenue', 'strategic', 'monthly', 'usd', 'higher_is_better', 'Finance',
             date '2026-03-01', date '2026-03-31', false, 'provisional', 1.0),
            ('d', 'Daily', 'engagement', 'operational', 'daily', 'rate', 'higher_is_better', 'Product',
             date '2026-02-27', date '2026-02-27', true, 'at_risk', 0.2),
            ('d', 'Daily', 'engagement', 'operational', 'daily', 'rate', 'higher_is_better', 'Product',
             date '2026-02-28', date '2026-02-28', true, 'off_target', 0.1),
            ('d', 'Daily', 'engagement', 'operational', 'daily', 'rate', 'higher_is_better', 'Product',
             date '2026-03-01', date '2026-03-01', false, 'provisional', 0.3),
            ('w', 'Weekly', 'engagement', 'tactical', 'weekly', 'count', 'higher_is_better', 'Product',
             date '2026-02-16', date '2026-02-22', true, 'untargeted', 5.0),
            ('w', 'Weekly', 'engagement', 'tactical', 'weekly', 'count', 'higher_is_better', 'Product',
             date '2026-02-23', date '2026-03-01', false, 'provisional', null),
            ('q', 'Quarterly', 'revenue', 'strategic', 'quarterly', 'usd', 'higher_is_better', 'Finance',
             date '2025-10-01', date '2025-12-31', true, 'beating_target', 30.0),
            ('q', 'Quarterly', 'revenue', 'strategic', 'quarterly', 'usd', 'higher_is_better', 'Finance',
             date '2026-01-01', date '2026-03-31', false, 'provisional', 3.0)
        ) v(kpi_id, kpi_name, pillar, level, frequency, unit, direction, owner, period_start, period_end,
            is_complete_period, status, actual_value)
    """)
    con.execute("""
        create table marts.kpi_alerts as select * from (values
            ('m', date '2026-02-01', 'drop', 'Monthly', 'revenue', 'monthly', 'critical', 'fell'),
            ('d', date '2026-02-27', 'warning_threshold', 'Daily', 'engagement', 'daily', 'warning', 'low'),
            ('d', date '2026-02-28', 'critical_threshold', 'Daily', 'engagement', 'daily', 'critical', 'lower'),
            ('d', date '2026-02-20', 'critical_threshold', 'Daily', 'engagement', 'daily', 'critical', 'old'),
            ('m', date '2026-02-01', 'opportunity', 'Monthly', 'revenue', 'monthly', 'info', 'nice'),
            ('q', date '2025-10-01', 'spike', 'Quarterly', 'revenue', 'quarterly', 'warning', 'quarter')
        ) v(kpi_id, period_start, alert_type, kpi_name, pillar, frequency, severity, alert_message)
    """)
    yield con
    con.close()


def test_scorecard_for_month_shows_each_kpis_newest_complete_period(scorecard_con: duckdb.DuckDBPyConnection) -> None:
    feb = data.scorecard_for_month(scorecard_con, date(2026, 2, 1))
    assert list(feb["kpi_id"]) == ["m", "q", "w", "d"]  # strategic (monthly first), tactical, operational
    chosen = {k: str(p)[:10] for k, p in zip(feb["kpi_id"], feb["period_start"], strict=True)}
    # the month; its last complete day and week; the last quarter complete by the month's end
    assert chosen == {"m": "2026-02-01", "d": "2026-02-28", "w": "2026-02-16", "q": "2025-10-01"}
    # the overall counts are over the month's monthly KPIs, as in the monthly report and the terminal
    assert data.headline_statuses(feb) == ["on_target"] and data.targets_met(feb) == (1, 1)
    assert data.overall_summary(feb) == "1 KPIs: 1 on target; 1 of 1 targets met"
    mar = data.scorecard_for_month(scorecard_con, date(2026, 3, 1), level="strategic")
    # a partial month shows its own partial values; the quarter it ends is not complete yet, so the
    # quarter before is shown
    assert [
        (k, str(p)[:10], c)
        for k, p, c in zip(mar["kpi_id"], mar["period_start"], mar["is_complete_period"], strict=True)
    ] == [("m", "2026-03-01", False), ("q", "2025-10-01", True)]
    assert data.scorecard_for_month(scorecard_con, date(2026, 9, 1)).empty  # nothing within three months
    months = data.months(scorecard_con)
    assert data.default_month(months) == date(2026, 2, 1)  # the newest complete month


def test_active_alerts_are_those_of_the_shown_periods_worst_first(scorecard_con: duckdb.DuckDBPyConnection) -> None:
    alerts = data.active_alerts(scorecard_con, date(2026, 2, 1))
    assert list(zip(alerts["kpi_id"], alerts["severity"], strict=True)) == [
        ("d", "critical"), ("m", "critical"), ("q", "warning"), ("m", "info")]
    recent = data.recent_alerts(scorecard_con, date(2026, 2, 28), days=3)
    assert sorted(recent["alert_message"]) == ["fell", "low", "lower", "quarter"]  # not 02-20's, not info


def test_freshness_against_the_24_hour_standard() -> None:
    now = datetime(2026, 3, 21, 12, 0)
    fresh = data.freshness(pd.Timestamp("2026-03-21 10:00", tz="UTC"), datetime(2026, 3, 20, 18, 0), now)
    assert fresh == {"data_age_hours": pytest.approx(18.0), "publish_age_hours": pytest.approx(2.0), "is_timely": True}
    assert not data.freshness(None, datetime(2026, 3, 19, 0, 0), now)["is_timely"]
    assert data.freshness(None, None, now)["data_age_hours"] is None


def test_publish_info_reads_the_newest_publish_as_naive_utc() -> None:
    with duckdb.connect() as con:
        assert data.publish_info(con) is None
        con.execute("create table main.publish_log (publish_id varchar, published_at timestamptz, "
                    "data_as_of timestamptz, dq_score double, data_as_of_by_source varchar)")
        assert data.publish_info(con) is None
        con.execute("insert into main.publish_log values ('old', '2026-03-20 10:00:00+00', null, 1, null), "
                    "('new', '2026-03-21 10:00:00+00', '2026-03-21 09:30:00+00', 0.9, "
                    "'{\"billing\": \"2026-03-21T09:30:00+00:00\", \"learning\": null}')")
        info = data.publish_info(con)
        assert info["publish_id"] == "new"
        assert info["published_at"] == datetime(2026, 3, 21, 10, 0)
        assert info["data_as_of"] == datetime(2026, 3, 21, 9, 30)
        sources = data.source_freshness(info)
        assert list(sources["source"]) == ["learning", "billing"]  # unknown first, then oldest
        assert data.publish_tables(con, "new").empty


# ============================================================================ the serving fixture
def record_validation(warehouse: Path) -> str:
    """A validation run as orchestration.quality records one: every standard met but one
    consistency warning (the golden data is from early 2026, so a real run would fail timeliness
    and the publish would refuse it, as tests/test_serving.py notes)."""
    from orchestration.quality.standards import ResultRow
    from orchestration.quality.store import record

    now = datetime.now().replace(microsecond=0)
    run_id = f"{now:%Y%m%dT%H%M%S}-dashboard-test"
    rows = [
        ResultRow(run_id, "mart__fct_orders", "orders complete", "completeness", "marts.fct_orders", "0 rows", True,
                  "critical", now),
        ResultRow(run_id, "mart__fct_orders", "orders valid", "accuracy", "marts.fct_orders", "0.0% invalid", True,
                  "critical", now),
        ResultRow(run_id, "sources", "sources fresh", "timeliness", "raw.orders", "2 h", True, "critical", now),
        ResultRow(run_id, "mart__fct_orders", "row counts stable", "consistency", "marts.fct_orders", "-40%", False,
                  "warning", now),
    ]
    with duckdb.connect(str(warehouse)) as con:
        record(con, run_id, rows)
    return run_id


@pytest.fixture(scope="module")
def serving(golden_warehouse: Settings, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The golden build (tests/conftest.py, once per session) copied, validated (a recorded run)
    and published with orchestration.serving's publish to a serving file."""
    from orchestration.serving.publish import publish

    root = tmp_path_factory.mktemp("dashboard")
    warehouse = root / "warehouse.duckdb"
    shutil.copy(golden_warehouse.warehouse_path, warehouse)
    run_id = record_validation(warehouse)
    serving_path = root / "serve" / "serving.duckdb"
    result = publish(warehouse, serving_path, run_id="dashboard-test")
    return {"path": serving_path, "publish": result, "dq_run_id": run_id}


def q(serving: dict[str, Any], sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    with duckdb.connect(str(serving["path"]), read_only=True) as con:
        result = con.execute(sql, params or [])
        names = [d[0] for d in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def one(serving: dict[str, Any], sql: str, params: list[Any] | None = None) -> dict[str, Any]:
    found = q(serving, sql, params)
    assert len(found) == 1, (sql, found)
    return found[0]


def shown_rows(serving: dict[str, Any], month: date) -> list[dict[str, Any]]:
    """The scorecard rows a month shows: monthly KPIs the month, the others their newest complete
    period ending by the month's end (within three months)."""
    return q(serving, """
        select * from marts.kpi_scorecard
        where period_start < ? + interval 1 month and (frequency <> 'monthly' or period_start = ?)
            and period_end >= ? - interval 3 month
        qualify row_number() over (
            partition by kpi_id order by (is_complete_period and period_end < ? + interval 1 month) desc,
                period_start desc) = 1
    """, [month, month, month, month])


def default_month(serving: dict[str, Any]) -> date:
    """The month the views open on, computed independently: the newest complete month."""
    return one(serving, """
        select max(period_start) as month_start from (
            select period_start from marts.kpi_scorecard where frequency = 'monthly'
            group by period_start having bool_and(is_complete_period))""")["month_start"]


# ================================================================================== AppTest
@pytest.fixture
def app(serving: dict[str, Any], monkeypatch: pytest.MonkeyPatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SERVING_PATH", str(serving["path"]))
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    return at


def metrics_of(at: Any) -> dict[str, Any]:
    shown = {}
    for metric in at.metric:
        shown.setdefault(metric.label, metric)
    return shown


def assert_shows(metric: Any, value: Any, unit: str, label: str) -> None:
    assert value is not None, f"{label}: no value in the marts"
    expected = float(value) * (100 if unit == "rate" else 1)
    tolerance = TOLERANCE[unit] * (100 if unit == "rate" else 1) + 1e-9
    if unit == "usd" and abs(float(value)) >= 1000:
        tolerance = 0.5
    assert data.parse_number(metric.value) == pytest.approx(expected, abs=tolerance), (label, metric.value, value)


def page_errors(at: Any) -> list[str]:
    return [str(e.value) for e in at.exception]


@pytest.mark.slow
def test_every_page_runs_without_an_exception(app: Any) -> None:
    assert not page_errors(app), page_errors(app)
    assert app.title[0].value == "Executive dashboard"
    for name, path in list(PAGES.items())[1:]:
        app.switch_page(path).run()
        assert not page_errors(app), (name, page_errors(app))
        assert app.title[0].value == f"{name.title()} dashboard"


@pytest.mark.slow
def test_header_states_the_as_of_time_and_the_last_publish(app: Any, serving: dict[str, Any]) -> None:
    publish = one(serving, "select publish_id, published_at, data_as_of from main.publish_log")
    line = app.info[0].value
    assert publish["publish_id"] == serving["publish"].publish_id
    assert f"publish `{publish['publish_id']}`" in line
    as_of = data.utc_naive(publish["data_as_of"])
    assert f"Data as of **{as_of:%Y-%m-%d %H:%M} UTC**" in line
    assert f"last published **{data.utc_naive(publish['published_at']):%Y-%m-%d %H:%M} UTC**" in line


@pytest.mark.slow
def test_executive_kpis_statuses_and_alerts_match_the_scorecard(app: Any, serving: dict[str, Any]) -> None:
    month = default_month(serving)
    rows = shown_rows(serving, month)
    shown = metrics_of(app)
    strategic = [r for r in rows if r["level"] == "strategic"]
    assert len(strategic) >= 8
    for row in strategic:
        metric = shown[row["kpi_name"]]
        if row["actual_value"] is None:
            assert metric.value == "n/a", row["kpi_id"]
        else:
            assert_shows(metric, row["actual_value"], row["unit"], row["kpi_id"])
    # counted over the month's monthly KPIs, as the monthly report and the terminal count them
    monthly = [r["status"] for r in rows if r["frequency"] == "monthly"]
    statuses = pd.Series(monthly).value_counts()
    for status in ("off_target", "at_risk", "on_target", "beating_target", "provisional"):
        counted = next(m for name, m in shown.items() if name.endswith(f"] {data.STATUS_LABELS[status]}"))
        assert counted.value == data.plural(int(statuses.get(status, 0)), "KPI"), status
    met = sum(s in ("on_target", "beating_target") for s in monthly)
    judged = sum(s in ("on_target", "beating_target", "at_risk", "off_target") for s in monthly)
    assert shown["Targets met"].value == f"{met} of {judged}"
    # next to each headline KPI: the references' benchmark band, the interim target in force and
    # the progress to the yearly target, as the marts have them
    captions = [c.value for c in app.caption]
    for row in strategic:
        assert data.plan_line(pd.Series(row)) in captions, row["kpi_id"]
    # the golden month is February 2026, day 31 of the 2026 plan: the 90-day interim targets; the
    # golden data starts in January, so there is no Q4 2025 baseline and no progress
    nps = next(r for r in strategic if r["kpi_id"] == "cs_nps")
    assert "benchmark 50.0–70.0, below · interim target 60.0 (90 days), missed" in captions
    assert nps["target_progress_rate"] is None and nps["baseline_value"] is None
    monthly_targets = [r for r in strategic if r["target_value"] is not None and r["frequency"] == "monthly"]
    assert monthly_targets and all(r["interim_target_days"] == 90 for r in monthly_targets)
    for row in strategic:  # the rule, independently: days from the plan start to the period start
        days = (row["period_start"] - date(2026, 1, 1)).days
        expected = None if row["target_value"] is None or days < 0 else 30 if days < 30 else 90 if days < 90 else 365
        assert row["interim_target_days"] == expected, row["kpi_id"]
    assert any(f"{len(monthly)} KPIs: " in c.value and f"{met} of {judged} targets met" in c.value for c in app.caption)
    alerts = q(serving, """
        select alerts.severity, alerts.alert_message
        from marts.kpi_alerts as alerts
        inner join (select unnest(?::varchar[]) as kpi_id, unnest(?::date[]) as period_start) as shown
            using (kpi_id, period_start)
    """, [[r["kpi_id"] for r in rows], [r["period_start"] for r in rows]])
    critical = [a["alert_message"] for a in alerts if a["severity"] == "critical"]
    warning = [a["alert_message"] for a in alerts if a["severity"] == "warning"]
    assert any(f"{len(critical)} critical · {len(warning)} warning" in c.value for c in app.caption)
    errors = " ".join(e.value for e in app.error)
    warnings = " ".join(w.value for w in app.warning)
    assert all(message in errors for message in critical)
    assert all(message in warnings for message in warning)


@pytest.mark.slow
def test_executive_page_shows_the_monitoring_frameworks_scorecard(app: Any, serving: dict[str, Any]) -> None:
    marts = q(serving, "select * from marts.executive_scorecard order by display_order")
    [frame] = [d.value for d in app.dataframe if "KPI (reference)" in d.value.columns]
    assert list(frame["KPI (reference)"]) == [r["reference_kpi"] for r in marts]
    assert list(frame["Status"]) == [data.status_text(r["status"]) for r in marts]
    needs = [r for r in marts if r["coverage"] == "needs_source"]
    assert needs and all(row["status"] == "no_data" and row["actual_value"] is None for row in needs)
    assert {r["reference_kpi"] for r in marts if r["coverage"] == "manual"} == {
        "Platform Uptime", "Employee Satisfaction", "Market Share", "Brand Awareness", "Industry Recognition",
    }
    summary = data.coverage_summary(pd.DataFrame(marts))
    assert summary.startswith(f"{len(marts)} KPIs of the monitoring framework: ")
    assert any(summary in e.label for e in app.expander)
    # the scorecard table marks the KPIs people report
    [table] = [d.value for d in app.dataframe if "Pillar" in d.value.columns]
    manual = table[table["KPI"].str.endswith(" (manual)")]
    assert not manual.empty and set(manual["Pillar"]) <= {"marketing", "operations", "people"}


@pytest.mark.slow
def test_operational_figures_match_the_marts(app: Any, serving: dict[str, Any]) -> None:
    month = default_month(serving)
    app.switch_page(PAGES["operational"]).run()
    assert not page_errors(app)
    shown = metrics_of(app)
    revenue = one(serving, "select * from marts.revenue_monthly where month_start = ?", [month])
    assert_shows(shown["Net revenue"], revenue["revenue_usd"], "usd", "revenue")
    assert_shows(shown["Average order value"], revenue["average_order_value_usd"], "usd", "aov")
    assert_shows(shown["Refund rate"], revenue["refund_rate"], "rate", "refund rate")
    assert_shows(shown["Payment success rate"], revenue["payment_success_rate"], "rate", "payment success")
    instructors = one(serving, "select * from marts.instructors_monthly where month_start = ?", [month])
    assert_shows(shown["Active instructors"], instructors["active_instructors"], "count", "active instructors")
    assert_shows(shown["Courses created"], instructors["courses_created"], "count", "courses created")
    active = one(serving, "select * from marts.engagement_active_students_monthly where month_start = ?", [month])
    assert_shows(shown["Monthly active students"], active["active_students"], "count", "MAU")
    assert_shows(shown["DAU/MAU stickiness"], active["dau_mau_stickiness_rate"], "rate", "stickiness")
    campaigns = one(serving, "select * from marts.scorecard_campaigns_monthly where month_start = ?", [month])
    assert_shows(shown["Campaign spend"], campaigns["spend_usd"], "usd", "spend")
    assert_shows(shown["Campaign CTR"], campaigns["ctr"], "rate", "ctr")
    assert_shows(shown["Campaign ROI"], campaigns["roi"], "ratio", "roi")
    success = one(serving, "select * from marts.course_success_monthly where month_start = ?", [month])
    # the view computes the cohort rates from fct_enrollments (to slice them): they equal the mart's
    # mature-window rates; a cohort still inside its window is labelled provisional
    final = one(serving, "select is_final_period from marts.kpi_scorecard where kpi_id = 'cs_completion_rate' "
                "and period_start = ?", [month])["is_final_period"]
    suffix = "" if final else " (provisional)"
    assert_shows(shown[f"Completion rate{suffix}"], success["completion_rate_in_window"], "rate", "completion")
    assert_shows(shown[f"Certification rate{suffix}"], success["certification_rate_in_window"], "rate",
                 "certification")
    if success["nps"] is not None:
        assert_shows(shown["Course NPS"], success["nps"], "score", "nps")


@pytest.mark.slow
def test_filters_slice_the_figures(app: Any, serving: dict[str, Any]) -> None:
    month = default_month(serving)
    app.switch_page(PAGES["operational"]).run()
    category = one(serving, """
        select category, revenue_usd from marts.revenue_by_category_monthly
        where month_start = ? order by revenue_usd desc limit 1""", [month])
    platform = q(serving, """
        select platform from marts.campaign_performance_daily
        group by platform order by sum(spend_usd) filter (where date_day >= ? and date_day < ? + interval 1 month)
            desc nulls last, platform
        limit 1""", [month, month])[0]["platform"]
    app.multiselect(key="filter_categories").set_value([category["category"]])
    app.multiselect(key="filter_platforms").set_value([platform])
    app.run()
    assert not page_errors(app)
    shown = metrics_of(app)
    assert "Net revenue" not in shown
    assert_shows(shown["Line revenue (selection)"], category["revenue_usd"], "usd", "category revenue")
    spend = one(serving, """
        select coalesce(sum(spend_usd), 0) as spend_usd from marts.campaign_performance_daily
        where platform = ? and date_day >= ? and date_day < ? + interval 1 month""", [platform, month, month])
    assert_shows(shown["Campaign spend"], spend["spend_usd"], "usd", "platform spend")
    # the period filter: the first month with data
    first = one(serving, "select min(month_start) as month_start from marts.revenue_monthly")["month_start"]
    app.multiselect(key="filter_categories").set_value([])
    app.selectbox(key="filter_month").set_value(first)
    app.switch_page(PAGES["executive"]).run()
    assert not page_errors(app)
    revenue = one(serving, "select revenue_usd from marts.revenue_monthly where month_start = ?", [first])
    assert_shows(metrics_of(app)["Net revenue"], revenue["revenue_usd"], "usd", "first month revenue")


@pytest.mark.slow
def test_tactical_figures_match_the_marts(app: Any, serving: dict[str, Any]) -> None:
    app.switch_page(PAGES["tactical"]).run()
    assert not page_errors(app)
    shown = metrics_of(app)
    day = one(serving, "select max(date_day) as day from marts.engagement_active_students_daily")["day"]
    as_of = one(serving, "select data_as_of from main.publish_log order by published_at desc limit 1")["data_as_of"]
    hours = data.elapsed_hours(day, data.utc_naive(as_of))
    start = datetime.combine(day, datetime.min.time())
    end = start + timedelta(hours=24 if hours is None else hours)
    if hours is None:  # a complete day: the daily marts
        traffic = one(serving, """
            select traffic.sessions, traffic.conversion_rate, active.active_students
            from marts.platform_traffic_daily as traffic
            inner join marts.engagement_active_students_daily as active using (date_day)
            where date_day = ?""", [day])
        assert_shows(shown["Active students"], traffic["active_students"], "count", "DAU")
    else:  # a partial day: its first hours, like for like with the same hours of the day before
        traffic = one(serving, """
            select sum(sessions) as sessions, sum(converted_sessions) / sum(sessions) as conversion_rate
            from marts.platform_traffic_hourly where date_day = ? and hour_of_day < ?""", [day, hours])
        assert shown["Active students"].value == "n/a"  # a daily figure: not compared on a partial day
        before = one(serving, "select count(*) as n from marts.fct_orders where ordered_at >= ? and ordered_at < ?",
                     [start - timedelta(days=1), end - timedelta(days=1)])
        today_n = one(serving, "select count(*) as n from marts.fct_orders where ordered_at >= ? and ordered_at < ?",
                      [start, end])
        if before["n"]:
            assert shown["Orders"].delta == data.format_change(
                today_n["n"] - before["n"], (today_n["n"] - before["n"]) / before["n"], "count")
        assert any(f"first {hours} hours" in c.value for c in app.caption)
    if traffic["sessions"] is None and hours == 0:  # no hour of the day elapsed: nothing to show
        assert shown["Sessions"].value == "n/a" and shown["Session conversion rate"].value == "n/a"
    elif traffic["sessions"] is None:  # no session in the day's first hours
        assert shown["Sessions"].value == "0" and shown["Session conversion rate"].value == "n/a"
    else:
        assert_shows(shown["Sessions"], traffic["sessions"], "count", "sessions")
        assert_shows(shown["Session conversion rate"], traffic["conversion_rate"], "rate", "conversion")
    orders = one(serving, "select count(*) as n, coalesce(sum(collected_usd), 0) as usd from marts.fct_orders "
                          "where ordered_at >= ? and ordered_at < ?", [start, end])
    assert_shows(shown["Orders"], orders["n"], "count", "orders")
    assert_shows(shown["Collected revenue"], orders["usd"], "usd", "collected")
    score = one(
        serving,
        "select score, met, expectations from audit.dq_scores where run_id = ? and standard = 'overall'",
        [serving["dq_run_id"]],
    )
    assert_shows(shown["Data quality score"], score["score"], "rate", "dq score")
    assert shown["Expectations met"].value == f"{score['met']} / {score['expectations']}"
    assert any("1 failed expectation" in e.value for e in app.error)
    assert app.subheader[0].value == f"Today: {day:%a %Y-%m-%d}"


# ================================================================== the numbers are the marts'
def test_with_ratios_divides_summed_terms_and_is_null_on_a_zero_denominator() -> None:
    frame = pd.DataFrame({"clicks": [30, 5, 0], "impressions": [1000, 0, None], "net_return_usd": [50.0, -10.0, 0.0],
                          "spend_usd": [100.0, 0.0, 20.0]})
    out = data.with_ratios(frame, ("ctr", "roi"))
    assert out["ctr"].iloc[0] == pytest.approx(0.03) and out["roi"].iloc[0] == pytest.approx(0.5)
    assert out["ctr"].isna().tolist()[1:] == [True, True] and pd.isna(out["roi"].iloc[1])
    assert out["roi"].iloc[2] == 0
    assert list(frame.columns) == ["clicks", "impressions", "net_return_usd", "spend_usd"]  # not modified


def test_no_kpi_formula_in_the_dashboards_python() -> None:
    """The dashboards divide in one place (with_ratios): no SQL ratio, no campaign formula."""
    sources = {path.name: path.read_text() for path in (PROJECT_DIR / "dashboards").rglob("*.py")}
    for name, text in sources.items():
        assert "nullif(" not in text, name
        assert "fct_order_items" not in text and "fct_refunds" not in text and "fct_enrollments" not in text, name
    assert data.CAMPAIGN_KPIS == ("ctr", "engagement_rate", "cpa_usd", "roi", "roas")


def _serving_con(serving: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    return data.connect(serving["path"])


@pytest.mark.slow
def test_tactical_day_numbers_are_the_marts_values(serving: dict[str, Any]) -> None:
    """day_numbers reads platform_traffic_day_to_hour at the hours elapsed (24 = the whole day,
    platform_traffic_daily) and sums the hourly orders and enrollments marts: the same numbers as
    the facts over the same part of the day, sliced or not."""
    con = _serving_con(serving)
    try:
        day = data.as_of_day(con)
        everything = data.Filters(month=day.replace(day=1))
        for hours in (None, 13, 1, 0):
            got = data.day_numbers(con, day, everything, hours)
            elapsed = 24 if hours is None else hours
            start = datetime.combine(day, datetime.min.time())
            end = start + timedelta(hours=elapsed)
            traffic = one(serving, """
                select sum(sessions) as sessions, sum(converted_sessions) as converted,
                    sum(bounced_sessions) as bounced, count(*) as cells
                from marts.platform_traffic_hourly where date_day = ? and hour_of_day < ?""", [day, elapsed])
            if elapsed == 0:
                assert got["sessions"] is None and got["conversion_rate"] is None
            else:
                row = one(serving, "select * from marts.platform_traffic_day_to_hour where date_day = ? "
                          "and hours_elapsed = ?", [day, elapsed])
                assert got["sessions"] == row["sessions"] == (traffic["sessions"] or 0)
                if row["conversion_rate"] is None:  # no session in those hours
                    assert data.is_missing(got["conversion_rate"]) and data.is_missing(got["bounce_rate"])
                else:
                    assert got["conversion_rate"] == pytest.approx(row["conversion_rate"])
                if traffic["sessions"]:
                    assert row["conversion_rate"] == pytest.approx(traffic["converted"] / traffic["sessions"])
                    assert row["bounce_rate"] == pytest.approx(traffic["bounced"] / traffic["sessions"])
            orders = one(serving, "select count(*) as n, coalesce(sum(collected_usd), 0) as usd from marts.fct_orders "
                                  "where ordered_at >= ? and ordered_at < ?", [start, end])
            assert got["orders"] == orders["n"]
            assert float(got["collected_usd"]) == pytest.approx(float(orders["usd"]), abs=0.01)
            enrollments = one(serving, "select count(*) as n from marts.fct_enrollments "
                                       "where enrolled_at >= ? and enrolled_at < ?", [start, end])
            assert got["enrollments"] == enrollments["n"]
            if hours is None:
                daily = one(serving, "select * from marts.platform_traffic_daily where date_day = ?", [day])
                assert got["sessions"] == daily["sessions"]
                assert got["bounce_rate"] == pytest.approx(daily["bounce_rate"])
                active = one(serving, "select active_students from marts.engagement_active_students_daily "
                                      "where date_day = ?", [day])
                assert got["active_students"] == active["active_students"]
            else:
                assert got["active_students"] is None and got["campaign_spend_usd"] is None
        # a country slice: the orders of that country's students
        country = q(serving, "select country_code from marts.revenue_orders_hourly where date_day = ? "
                             "group by 1 order by sum(orders) desc, 1 limit 1", [day])[0]["country_code"]
        got = data.day_numbers(con, day, data.Filters(month=day.replace(day=1), countries=(country,)))
        sliced = one(serving, """
            select count(*) as n from marts.fct_orders as orders
            inner join marts.dim_students as students using (student_id)
            where students.country_code = ? and cast(orders.ordered_at as date) = ?""", [country, day])
        assert got["orders"] == sliced["n"]
    finally:
        con.close()


@pytest.mark.slow
def test_sliced_monthly_figures_are_the_marts_values(serving: dict[str, Any]) -> None:
    """A category's revenue is revenue_by_category_monthly's; a category x tier x country slice
    is the line revenue of those lines; the cohort rates without a slice are
    course_success_monthly's, and a slice's are its summed terms divided; the campaign KPIs over
    every platform picked one by one are the scorecard's."""
    month = default_month(serving)
    con = _serving_con(serving)
    try:
        by_category = q(serving, "select category, revenue_usd from marts.revenue_by_category_monthly "
                                 "where month_start = ? order by revenue_usd desc", [month])
        top = by_category[0]["category"]
        frame, applied = data.revenue_trend(con, data.Filters(month=month, categories=(top,)))
        assert applied.applied == ("category",)
        shown = frame[pd.to_datetime(frame["month_start"]).dt.date == month].iloc[0]
        assert float(shown["revenue_usd"]) == pytest.approx(float(by_category[0]["revenue_usd"]), abs=0.01)
        table = data.revenue_by(con, data.Filters(month=month), "category")
        assert {r["category"]: float(r["revenue_usd"]) for r in by_category} == pytest.approx(
            dict(zip(table["category"], table["revenue_usd"].astype(float), strict=True)), abs=0.01)
        # a three-way slice, independently from the facts
        pick = one(serving, """
            select category, instructor_tier, country_code from marts.revenue_by_slice_monthly
            where month_start = ? and instructor_tier <> 'unknown' and country_code <> 'unknown'
            order by revenue_usd desc limit 1""", [month])
        f = data.Filters(month=month, categories=(pick["category"],), instructor_tiers=(pick["instructor_tier"],),
                         countries=(pick["country_code"],))
        frame, _ = data.revenue_trend(con, f)
        shown = frame[pd.to_datetime(frame["month_start"]).dt.date == month].iloc[0]
        facts = one(serving, """
            with lines as (
                select items.category, items.instructor_id, items.student_id, items.paid_usd as usd
                from marts.fct_order_items as items
                where items.order_month_start = ? and items.has_succeeded_payment
                union all
                select category, instructor_id, student_id, -refund_amount_usd from marts.fct_refunds
                where refund_month_start = ?
            )
            select sum(usd) as usd from lines
            inner join marts.instructor_performance using (instructor_id)
            inner join marts.dim_students using (student_id)
            where category = ? and pareto_segment = ? and country_code = ?""",
            [month, month, pick["category"], pick["instructor_tier"], pick["country_code"]])
        assert float(shown["revenue_usd"]) == pytest.approx(float(facts["usd"]), abs=0.01)
        # cohorts: unsliced are the mart's rates; a slice's are its terms summed and divided
        success = one(serving, "select * from marts.course_success_monthly where month_start = ?", [month])
        cohorts, _ = data.enrollment_trend(con, data.Filters(month=month))
        row = cohorts[pd.to_datetime(cohorts["month_start"]).dt.date == month].iloc[0]
        assert row["completion_rate_so_far"] == pytest.approx(success["completion_rate_in_window"])
        assert row["enrollments"] == success["enrollments"]
        every_category = tuple(r["category"] for r in q(
            serving, "select distinct category from marts.course_success_cohorts_by_slice_monthly"))
        cohorts, _ = data.enrollment_trend(con, data.Filters(month=month, categories=every_category))
        row = cohorts[pd.to_datetime(cohorts["month_start"]).dt.date == month].iloc[0]
        assert row["completion_rate_so_far"] == pytest.approx(success["completion_rate_in_window"])
        assert row["certification_rate_so_far"] == pytest.approx(success["certification_rate_in_window"])
        # campaigns: every platform picked sums to the scorecard's month
        platforms = tuple(r["platform"] for r in q(
            serving, "select distinct platform from marts.campaign_performance_platform_monthly"))
        scorecard = data.campaign_month(con, data.Filters(month=month))
        picked = data.campaign_month(con, data.Filters(month=month, platforms=platforms))
        for kpi in ("spend_usd", *data.CAMPAIGN_KPIS):
            assert float(picked[kpi]) == pytest.approx(float(scorecard[kpi]), rel=1e-9), kpi
        mart = one(serving, "select platform, roi from marts.campaign_performance_platform_monthly "
                            "where month_start = ? order by spend_usd desc, platform limit 1", [month])
        trend = data.campaign_trend(con, data.Filters(month=month, platforms=(mart["platform"],)))
        assert trend[pd.to_datetime(trend["month_start"]).dt.date == month]["roi"].iloc[0] == pytest.approx(
            mart["roi"])
        # instructor tiers add up to the instructors active in the month
        tiers = data.instructor_tier_trend(con, data.Filters(month=month))
        active = one(serving, "select count(*) as n from marts.instructor_activity_monthly where month_start = ?",
                     [month])
        assert tiers[pd.to_datetime(tiers["month_start"]).dt.date == month]["active_instructors"].sum() == active["n"]
    finally:
        con.close()


# ============================================================================== real browser
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DevTools:
    """Headless Chromium driven over the DevTools protocol (websockets' sync client)."""

    def __init__(self, binary: str, width: int = 1400) -> None:
        self.width = width
        self.profile = tempfile.TemporaryDirectory(prefix="chromium-profile-", ignore_cleanup_errors=True)
        self.process = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", f"--user-data-dir={self.profile.name}", "--remote-debugging-port=0",
             "--remote-debugging-address=127.0.0.1", f"--window-size={width},1000", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self.profile.name) / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and port_file.read_text().strip()):
            assert time.monotonic() < deadline and self.process.poll() is None, "Chromium did not start"
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30) as response:
            targets = json.load(response)
        from websockets.sync.client import connect

        self.connection = connect(next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page"),
                                  max_size=None, open_timeout=30)
        self.socket = self.connection.__enter__()  # websockets 17: connect() is a context manager
        self.next_id = 0
        self.call("Page.enable")

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=120))
            if message.get("id") == self.next_id:
                assert "error" not in message, message["error"]
                return message.get("result", {})

    def js(self, expression: str) -> Any:
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True).get("result", {}).get("value")

    def text(self) -> str:
        return self.js("document.body ? document.body.innerText : ''") or ""

    def wait_rendered(self, expected: str, timeout: float = 120) -> None:
        """Until the page shows `expected`, Streamlit is not running a script and no skeleton or
        spinner is left; then a moment for the charts to draw."""
        check = ("(() => { const body = document.body ? document.body.innerText : '';"
                 " const busy = document.querySelector('[data-testid=\"stStatusWidget\"]')"
                 " || document.querySelector('[data-testid=\"stSkeleton\"]')"
                 " || document.querySelector('[data-testid=\"stSpinner\"]');"
                 f" return body.includes({json.dumps(expected)}) && !busy; }})()")
        deadline = time.monotonic() + timeout
        while not self.js(check):
            assert time.monotonic() < deadline, f"{expected!r} not rendered; page shows: {self.text()[:500]!r}"
            time.sleep(0.5)
        time.sleep(2)

    def open(self, url: str, expected: str) -> str:
        self.call("Emulation.setDeviceMetricsOverride", width=self.width, height=1000, deviceScaleFactor=1,
                  mobile=False)
        self.call("Page.navigate", url=url)
        self.wait_rendered(expected)
        return self.text()

    def screenshot(self, path: Path) -> Path:
        """The whole page: the viewport grown to the height of Streamlit's scrolling main area."""
        height = self.js("Math.max(document.body.scrollHeight, (document.querySelector('[data-testid=\"stMain\"]')"
                         " || document.body).scrollHeight)")
        self.call("Emulation.setDeviceMetricsOverride", width=self.width, height=int(height), deviceScaleFactor=1,
                  mobile=False)
        time.sleep(1.5)
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"]))
        return path

    def click_tab(self, label: str) -> None:
        found = self.js(f"""(() => {{ const tab = [...document.querySelectorAll('[role="tab"]')]
            .find(b => b.innerText.includes({json.dumps(label)})); if (tab) tab.click(); return !!tab; }})()""")
        assert found, f"no tab {label!r}"

    def close(self) -> None:
        try:
            self.connection.__exit__(None, None, None)
        finally:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.profile.cleanup()


@pytest.fixture
def running_app(serving: dict[str, Any], tmp_path: Path):
    """`streamlit run dashboards/app.py` on a free 127.0.0.1 port, headless, no usage stats."""
    port = free_port()
    env = {**os.environ, "SERVING_PATH": str(serving["path"]), "HOME": str(tmp_path)}
    log = (tmp_path / "streamlit.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.address", "127.0.0.1", "--server.port", str(port),
         "--server.fileWatcherType", "none"],
        cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    break
        except OSError:
            pass
        assert process.poll() is None, (tmp_path / "streamlit.log").read_text()[-2000:]
        assert time.monotonic() < deadline, "streamlit did not answer /_stcore/health"
        time.sleep(0.5)
    yield url
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.mark.slow
def test_each_page_renders_in_a_real_browser(running_app: str, serving: dict[str, Any]) -> None:
    from browser import ARTIFACTS, chromium_path

    ARTIFACTS.mkdir(exist_ok=True)
    publish_id = serving["publish"].publish_id
    month = data.month_label(default_month(serving))
    strategic = [r for r in shown_rows(serving, default_month(serving)) if r["level"] == "strategic"]
    kpi = min(strategic, key=lambda r: r["kpi_id"])
    pages = {
        # the default page is served at the root URL
        "executive": ("/", "Headline KPIs", ["Executive dashboard", f"Headline KPIs · {month}", kpi["kpi_name"],
                                             "Active alerts", publish_id]),
        "operational": ("/operational", "Payment success rate", ["Operational dashboard", "Net revenue",
                                                                  "Revenue by category", publish_id]),
        "tactical": ("/tactical", "Issues needing attention", ["Tactical dashboard", "Data freshness and quality",
                                                               "Data quality score", publish_id]),
    }
    browser = DevTools(chromium_path())
    try:
        for name, (path, ready, expected) in pages.items():
            text = browser.open(running_app + path, ready)
            missing = [item for item in expected if item not in text]
            assert not missing, (name, missing, text[:1000])
            assert not browser.js("document.querySelectorAll('[data-testid=\"stException\"]').length"), name
            shot = browser.screenshot(ARTIFACTS / f"dashboard_{name}.png")
            assert shot.stat().st_size > 50_000, f"{shot} looks blank"
        tabs = {"Instructors": "Active instructors", "Courses": "Courses with enrollments",
                "Students": "Monthly active students", "Campaigns": "Campaign spend",
                "Course success": "Completion rate"}
        browser.open(running_app + "/operational", "Payment success rate")
        for tab, ready in tabs.items():
            browser.click_tab(tab)
            browser.wait_rendered(ready)
            browser.screenshot(ARTIFACTS / f"dashboard_operational_{tab.lower().replace(' ', '_')}.png")
    finally:
        browser.close()


# ====================================================================== why is it red (drill-down)
def test_red_kpis_and_the_basis_their_slices_are_read_on() -> None:
    scorecard = pd.DataFrame([
        {"kpi_id": "a", "kpi_name": "A", "frequency": "monthly", "status": "at_risk"},
        {"kpi_id": "b", "kpi_name": "B", "frequency": "monthly", "status": "on_target"},
        {"kpi_id": "c", "kpi_name": "C", "frequency": "monthly", "status": "off_target"},
        {"kpi_id": "d", "kpi_name": "D", "frequency": "daily", "status": "off_target"},
        {"kpi_id": "e", "kpi_name": "E", "frequency": "monthly", "status": "beating_target"},
        {"kpi_id": "f", "kpi_name": "F", "frequency": "weekly", "status": "off_target"},
    ])
    alerts = pd.DataFrame([{"kpi_id": "b"}])
    red = data.red_kpis(scorecard, alerts)
    # off target, at risk, then alerted only; monthly and daily KPIs (kpi_drivers has no weekly slices)
    assert list(red["kpi_id"]) == ["c", "d", "a", "b"]
    assert list(red["is_alerted"]) == [False, False, False, True]
    assert data.driver_basis({"prior_value": 0.04, "change_value": 0.02, "target_value": 0.05,
                              "actual_value": 0.06}) == "change"
    assert data.driver_basis({"prior_value": None, "change_value": None, "target_value": 0.05,
                              "actual_value": 0.06}) == "target"
    assert data.driver_basis({"prior_value": None, "change_value": None, "target_value": None,
                              "actual_value": 6.0}) == "none"
    daily = pd.Series({"kpi_name": "Conversion", "unit": "rate", "frequency": "daily",
                       "period_start": date(2026, 2, 11), "actual_value": 0.25, "prior_value": 0.125,
                       "change_value": 0.125, "change_rate": 1.0})
    assert drilldown._caption(daily, "change").startswith(
        "Conversion on Wed 2026-02-11: 12.5% → 25.0% (+12.5 pp) vs the day before."
    )


def _drivers_frame(at: Any) -> pd.DataFrame:
    [frame] = [d.value for d in at.dataframe if "Slice" in d.value.columns]
    return frame


@pytest.mark.slow
def test_why_red_drill_down_shows_the_slices_of_the_chosen_kpi(app: Any, serving: dict[str, Any]) -> None:
    """The golden February (the month the executive page opens on): refund rate is off target and
    January is not comparable (partial), so its slices are read against the 5% target: by hand
    (tests/test_reports.py) country FR +29.0 pp, instructor tier top 10% +26.4 pp at 55.8% on
    52.0% of collected revenue, category data_science +25.8 pp at 45.3% on 64.0%; and the table
    holds exactly the mart's slices on the wrong side of the target."""
    month = default_month(serving)
    assert month == date(2026, 2, 1)
    picker = app.selectbox(key="why_red_kpi")
    red = {r["kpi_id"] for r in shown_rows(serving, month)
           if r["frequency"] == "monthly" and r["status"] in ("off_target", "at_risk")}
    # every red monthly KPI is offered (an alerted one says so after its status)
    offered = {option.replace(", alerted)", ")") for option in picker.options}
    assert offered >= {f"{r['kpi_name']} ({data.status_text(r['status'])})" for r in q(
        serving, "select * from marts.kpi_scorecard where frequency = 'monthly' and period_start = ?", [month]
    ) if r["kpi_id"] in red}
    picker.set_value("rev_refund_rate").run()
    assert not page_errors(app), page_errors(app)
    frame = _drivers_frame(app)
    assert frame.iloc[:3].values.tolist() == [
        ["Country FR", "+29.0 pp", "n/a", "0.0%"],
        ["Instructor tier top 10%", "+26.4 pp", "55.8%", "52.0%"],
        ["Category data_science", "+25.8 pp", "45.3%", "64.0%"],
    ]
    expected = q(serving, """
        select dimension, slice_value from marts.kpi_drivers
        where kpi_id = 'rev_refund_rate' and period_start = ? and level_value - weight_share * 0.05 > 1e-9
    """, [month])
    assert len(frame) == len(expected)
    assert any("not compared with the month before" in c.value for c in app.caption)
    # a red KPI the warehouse does not slice says so
    picker = app.selectbox(key="why_red_kpi")
    picker.set_value("cs_nps").run()
    assert any(info.value == f"Course NPS: {NO_SLICES}." for info in app.info)
    assert not [d for d in app.dataframe if "Slice" in d.value.columns]
