"""Executive KPI reports (orchestration.reports).

Unit tests of the pure parts (periods, number formatting, status marks, chart scaling, top movers,
terminal table), then end to end on the golden warehouse (tests/golden, as-of 20 March 2026, so
February 2026 is the latest complete month): the report's figures are the marts' figures, an
earlier period can be backfilled, a period's report is byte-identical whenever it is generated, and
the HTML renders in headless Chromium with its charts.

The golden warehouse has no complete quarter with quarterly KPIs (its only quarterly rows are Q1
2026's, still open on 20 March; Q4 2025 has monthly rows only), so the quarterly grain is tested on
a small scorecard written in SQL: quarterly KPIs for Q4 2025 to Q3 2026 and monthly KPIs for March
to July 2026, whose Q2 2026 report is checked figure by figure.
"""

from __future__ import annotations

import io
import re
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from browser import dump_dom, screenshot_and_dom  # tests/browser.py
from orchestration import pipeline
from orchestration.reports import status as vocabulary
from orchestration.reports.__main__ import main as reports_main
from orchestration.reports.charts import (
    line_chart,
    normalize,
    segments,
    sparkline,
    value_range,
    x_positions,
)
from orchestration.reports.drivers import NO_SLICES, Driver, Explanation, driver_text, format_delta, headline_text
from orchestration.reports.formatting import (
    format_band,
    format_change,
    format_interim,
    format_progress,
    format_value,
    met_mark,
    status_emoji,
    status_mark,
)
from orchestration.reports.generate import generate_reports
from orchestration.reports.markdown import render_markdown, table
from orchestration.reports.model import KpiLine, Report, headline, operational, top_movers
from orchestration.reports.periods import (
    CADENCES,
    PeriodError,
    anchor,
    baseline,
    own_trend_window,
    parse_period,
    period_end,
    period_key,
    previous,
    short_label,
    trend_window,
)
from orchestration.reports.queries import ReportError, complete_periods
from orchestration.reports.terminal import render_scorecard, use_color
from orchestration.reports.wording import PLAN_NOTE
from orchestration.settings import Settings

MONTH, WEEK, DAY, QUARTER = (CADENCES[name] for name in ("month", "week", "day", "quarter"))


def kpi(kpi_id: str = "k", **overrides: Any) -> KpiLine:
    fields: dict[str, Any] = {
        "kpi_id": kpi_id, "kpi_name": kpi_id.upper(), "pillar": "revenue", "level": "strategic", "unit": "usd",
        "direction": "higher_is_better", "owner": "Finance", "status": "untargeted", "actual": 100.0, "target": None,
        "baseline": 80.0, "change_value": 20.0, "change_rate": 0.25, "trend": "up",
    }
    return KpiLine(**{**fields, **overrides})


def report_of(*kpis: KpiLine) -> Report:
    return Report(
        cadence=MONTH, period_start=date(2026, 2, 1), period_end=date(2026, 2, 28), anchor=date(2026, 2, 1),
        baseline=date(2026, 1, 1), kpis=kpis, trends={}, alerts=(), other_alerts=(),
    )


# ---------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("cadence", "text", "start", "key"),
    [
        (DAY, "2026-10-05", date(2026, 10, 5), "2026-10-05"),
        (WEEK, "2026-W41", date(2026, 10, 5), "2026-W41"),
        (WEEK, "2026-10-08", date(2026, 10, 5), "2026-W41"),  # a date inside the week
        (WEEK, "2026-W01", date(2025, 12, 29), "2026-W01"),  # ISO week 1 starts in the year before
        (MONTH, "2026-10", date(2026, 10, 1), "2026-10"),
        (MONTH, "2026-10-31", date(2026, 10, 1), "2026-10"),
        (QUARTER, "2026-Q3", date(2026, 7, 1), "2026-Q3"),
        (QUARTER, "2026-09-30", date(2026, 7, 1), "2026-Q3"),
    ],
)
def test_periods_parse_from_their_key_or_a_date_inside(cadence, text: str, start: date, key: str) -> None:
    assert parse_period(cadence, text) == start
    assert period_key(cadence, start) == key


@pytest.mark.parametrize(
    ("cadence", "text"), [(MONTH, "2026-13"), (WEEK, "2026-W54"), (QUARTER, "2026-Q5"), (DAY, "Oct")]
)
def test_a_bad_period_is_refused_with_its_text(cadence, text: str) -> None:
    with pytest.raises(PeriodError, match=re.escape(repr(text))):
        parse_period(cadence, text)


def test_a_quarter_shows_its_last_month_against_the_previous_quarters_last_month() -> None:
    assert anchor(QUARTER, date(2026, 7, 1)) == date(2026, 9, 1)
    assert baseline(QUARTER, date(2026, 7, 1)) == date(2026, 6, 1)
    assert baseline(QUARTER, date(2026, 1, 1)) == date(2025, 12, 1)
    assert baseline(MONTH, date(2026, 1, 1)) == date(2025, 12, 1)
    assert baseline(WEEK, date(2026, 1, 5)) == date(2025, 12, 29)


def test_a_quarter_also_compares_its_quarterly_kpis_with_the_previous_quarter() -> None:
    assert (QUARTER.grain, QUARTER.own_grain) == ("monthly", "quarterly")
    assert previous(QUARTER, date(2026, 1, 1)) == date(2025, 10, 1)
    quarters = own_trend_window(QUARTER, date(2026, 7, 1))
    assert (len(quarters), quarters[0], quarters[1], quarters[-1]) == (
        8, date(2024, 10, 1), date(2025, 1, 1), date(2026, 7, 1)
    )
    assert [short_label(QUARTER, day) for day in (quarters[0], quarters[-1])] == ["Q4 2024", "Q3 2026"]
    assert all(cadence.own_grain is None and own_trend_window(cadence, date(2026, 1, 1)) == []
               for cadence in (DAY, WEEK, MONTH))


def test_trend_windows_end_at_the_period() -> None:
    months = trend_window(MONTH, date(2026, 2, 1))
    assert (len(months), months[0], months[-1]) == (13, date(2025, 2, 1), date(2026, 2, 1))
    quarter = trend_window(QUARTER, date(2026, 7, 1))
    assert (len(quarter), quarter[-1]) == (24, date(2026, 9, 1))
    days = trend_window(DAY, date(2026, 3, 1))
    assert (len(days), days[0], days[-1]) == (30, date(2026, 1, 31), date(2026, 3, 1))


# ---------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (260903.39, "usd", "$260,903"),
        (70.6389, "usd", "$70.64"),
        (-1234.6, "usd", "-$1,235"),
        (-0.004, "usd", "$0.00"),  # no "-$0.00"
        (0.23587, "rate", "23.6%"),
        (-0.0001, "rate", "0.0%"),  # no "-0.0%"
        (1.1012, "rate", "110.1%"),
        (3402.0, "count", "3,402"),
        (3.91887, "ratio", "3.92"),
        (64.7399, "score", "64.7"),
        (None, "rate", "n/a"),
    ],
)
def test_values_are_formatted_by_unit(value: float | None, unit: str, text: str) -> None:
    assert format_value(value, unit) == text


@pytest.mark.parametrize(
    ("unit", "change_value", "change_rate", "trend", "text"),
    [
        ("rate", -0.0219, -0.085, "down", "↓ -2.2 pp"),  # rates move in percentage points
        ("score", 3.31, 0.054, "up", "↑ +3.3 pts"),
        ("usd", -54234.45, -0.17209, "down", "↓ -17.2%"),
        ("count", 0.0, 0.0, "flat", "→ +0.0%"),
        ("count", 2.0, None, "up", "↑ +2"),  # zero baseline: no relative change
        ("usd", None, None, None, "–"),
    ],
)
def test_changes_are_formatted_by_unit(unit, change_value, change_rate, trend, text: str) -> None:
    assert format_change(unit, change_value, change_rate, trend) == text


def test_benchmark_band_interim_target_and_progress_are_formatted_by_unit() -> None:
    # the references' band and where the value sits; none when the references give no range
    assert format_band(0.15, 0.25, "rate", "within") == "15.0%–25.0% within"
    assert format_band(20.0, 100.0, "usd", "below") == "$20.00–$100.00 below"
    assert format_band(3.0, 5.0, "ratio") == "3.00–5.00"  # no value (provisional): no position
    assert format_band(None, None, "rate", None) == "–"
    # the interim target in force, days into the plan, met or missed
    assert format_interim(90, 0.2337, "rate", False) == "23.4% (90 d) ✗"
    assert format_interim(30, 163.26, "usd", True) == "$163.26 (30 d) ✓"
    assert format_interim(365, 60.0, "score") == "60.0 (365 d)"  # not judged: no mark
    assert format_interim(None, None, "rate") == "–"
    # progress from the baseline to the yearly target: uncapped both ways, – when unknown
    assert [format_progress(p) for p in (0.4071, 1.0, 1.377, -3.312, -0.001, None)] == [
        "41%", "100%", "138%", "-331%", "0%", "–"
    ]


def test_status_marks_plain_and_emoji() -> None:
    statuses = ("off_target", "at_risk", "on_target", "beating_target", "untargeted", "provisional", "no_data", None)
    assert [status_mark(s) for s in statuses] == [
        "[OFF]",
        "[RISK]",
        "[ON]",
        "[BEAT]",
        "[--]",
        "[PROV]",
        "[N/A]",
        "[N/A]",
    ]
    assert status_emoji("off_target") == "🔴 off target"
    assert status_emoji("beating_target") == "🔵 beating target"
    assert status_emoji("provisional") == "⚪ provisional"
    assert status_emoji(None) == "⚪ no data"


@pytest.mark.parametrize(
    ("status", "met"),
    [
        ("beating_target", True),
        ("on_target", True),  # reaching the target meets it
        ("at_risk", False),
        ("off_target", False),
        ("untargeted", None),  # no target
        ("provisional", None),  # not final: not judged
        ("no_data", None),
        (None, None),
    ],
)
def test_target_met_follows_the_status(status: str | None, met: bool | None) -> None:
    line = kpi(status=status, actual=0.3, target=0.25)
    assert line.target_met is met
    assert met_mark(line.target_met) == {True: "✓", False: "✗", None: "–"}[met]


def test_markdown_cells_escape_pipes() -> None:
    assert table(["a"], "l", [["x | y"]])[-1] == "| x \\| y |"


# ---------------------------------------------------------------------------- charts


def test_chart_scaling_spans_low_to_high_and_keeps_gaps() -> None:
    assert normalize([10.0, None, 20.0, 15.0]) == [0.0, None, 1.0, 0.5]
    assert normalize([10.0, 20.0], [30.0]) == [0.0, 0.5]  # the target widens the range


def test_chart_scaling_of_a_single_point_or_equal_values_sits_mid_chart() -> None:
    assert normalize([42.0]) == [0.5]
    assert normalize([3.0, 3.0, 3.0]) == [0.5, 0.5, 0.5]
    assert normalize([0.0, 0.0]) == [0.5, 0.5]  # zero has no magnitude to widen by: ±1
    assert value_range([0.0]) == (-1.0, 1.0)
    assert x_positions(1, 10, 100) == [60.0]
    assert x_positions(3, 10, 100) == [10.0, 60.0, 110.0]


def test_chart_scaling_of_missing_values() -> None:
    assert value_range([None, None]) is None
    assert normalize([None, None]) == [None, None]
    assert segments([(0, 1), None, (2, 3), (4, 5), None]) == [[(0, 1)], [(2, 3), (4, 5)]]


def test_sparkline_bars() -> None:
    assert sparkline([1.0, None, 5.0]) == "▁ █"
    assert len(set(sparkline([2.0, 2.0, 2.0]))) == 1


def test_line_chart_draws_lines_dots_target_and_empty_charts() -> None:
    svg = line_chart("rev", "Revenue", ["Jan", "Feb", "Mar", "Apr"], [1.0, 2.0, None, 4.0], 3.0, "usd")
    assert svg.startswith('<svg class="trend-chart" data-kpi="rev"') and svg.endswith("</svg>")
    assert svg.count('class="trend-line"') == 1  # Jan-Feb; Apr stands alone after the gap
    assert svg.count('class="trend-point"') == 1
    assert 'class="target-line"' in svg and 'class="latest-point"' in svg
    coordinates = [float(n) for n in re.findall(r'(?:cx|cy|y1|y2)="([-\d.]+)"', svg)]
    assert all(0 <= n <= 320 for n in coordinates)
    single = line_chart("one", "One", ["Feb"], [5.0], None, "count")
    assert 'class="trend-line"' not in single and 'class="latest-point"' in single
    empty = line_chart("none", "None", ["Feb"], [None], 0.15, "rate")
    assert "no data" in empty and "trend-line" not in empty and "target-line" not in empty


# ---------------------------------------------------------------------------- selections


def test_top_movers_by_absolute_relative_change_then_name() -> None:
    lines = (
        kpi("a", kpi_name="Alpha", change_rate=0.10),
        kpi("b", kpi_name="Beta", change_rate=-0.50),
        kpi("c", kpi_name="Gamma", change_rate=0.50),
        kpi("d", kpi_name="Delta", change_rate=None),
        kpi("e", kpi_name="Eps", change_rate=0.0),
        kpi("f", kpi_name="Phi", change_rate=-0.20),
    )
    assert [line.kpi_id for line in top_movers(lines)] == ["b", "c", "f", "a"]
    assert [line.kpi_id for line in top_movers(lines, limit=2)] == ["b", "c"]


def test_headline_is_strategic_or_everything_and_operational_excludes_it() -> None:
    strategic, tactical, ops = kpi("s"), kpi("t", level="tactical"), kpi("o", level="operational")
    assert headline((strategic, tactical, ops)) == (strategic,)
    assert operational((strategic, tactical, ops)) == (ops,)
    assert headline((tactical, ops)) == (tactical, ops)  # a daily report has no strategic KPI
    assert operational((tactical, ops)) == ()


def test_a_move_is_better_or_worse_by_direction() -> None:
    assert kpi(change_value=2.0).improved is True
    assert kpi(change_value=2.0, direction="lower_is_better").improved is False
    assert kpi(change_value=0.001, trend="flat").improved is None


# ---------------------------------------------------------------------------- terminal


def test_terminal_scorecard_aligns_with_plain_marks_or_colours() -> None:
    report = report_of(
        kpi("rev", kpi_name="Net revenue", actual=260903.39, status="untargeted"),
        kpi("churn", kpi_name="Churn", pillar="business", unit="rate", direction="lower_is_better",
            status="off_target", actual=0.09, target=0.025, change_value=0.01, change_rate=0.125),
    )
    assert render_scorecard(report, color=False) == "\n".join(
        [
            "Monthly KPI scorecard: February 2026",
            "1 off target · 1 no target of 2 KPIs; 0 of 1 targets met",
            "",
            "         KPI             Value  vs January 2026  Target  Met  Owner",
            "Revenue",
            "  [--]   Net revenue  $260,903         ↑ +25.0%       –  –    Finance",
            "Business & subscriptions",
            "  [OFF]  Churn            9.0%        ↑ +1.0 pp    2.5%  ✗    Finance",
        ]
    )
    colored = render_scorecard(report, color=True)
    assert "\x1b[90m● no target     \x1b[0m Net revenue" in colored
    assert "\x1b[31m● off target    \x1b[0m Churn" in colored
    on_screen = re.sub(r"\x1b\[[\d;]*m", "", colored).splitlines()  # escape codes take no room
    assert on_screen[3].index("KPI") == on_screen[5].index("Net revenue") == on_screen[7].index("Churn")


def test_a_kpi_people_report_is_marked_manual_on_every_surface() -> None:
    report = report_of(
        kpi("up", kpi_name="Platform uptime", pillar="operations", unit="rate", status="at_risk", actual=0.9972,
            target=0.999, is_manual=True),
        kpi("rev", kpi_name="Net revenue"),
    )
    terminal = render_scorecard(report, color=False)
    assert "Platform uptime (manual)" in terminal and "Net revenue (manual)" not in terminal
    assert "Operations" in terminal  # the pillar's label
    assert "Platform uptime (manual)" in render_markdown(report)


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert use_color(Tty()) and not use_color(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(Tty())


# ---------------------------------------------------------------------------- end to end (golden)


@pytest.fixture(scope="module")
def golden(golden_warehouse: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The session's golden build (read only), with a reports folder of this module's own."""
    return replace(golden_warehouse, reports_dir=tmp_path_factory.mktemp("reports") / "reports")


def _scorecard_rows(settings: Settings, frequency: str, period_start: date) -> dict[str, dict[str, Any]]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        result = con.execute(
            "select * from marts.kpi_scorecard where frequency = ? and period_start = ?", [frequency, period_start]
        )
        columns = [d[0] for d in result.description]
        return {row[0]: dict(zip(columns, row, strict=True)) for row in result.fetchall()}


def _markdown_row(text: str, section: str, kpi_name: str) -> list[str]:
    """The cells of the KPI's row in a section (## heading) of a Markdown report."""
    body = text.split(f"\n## {section}", 1)[1].split("\n## ", 1)[0]
    [line] = [line for line in body.splitlines() if line.startswith(f"| {kpi_name} |")]
    return [cell.strip() for cell in line.strip("|").split(" | ")]


@pytest.mark.slow
def test_latest_monthly_report_shows_the_marts_figures(golden: Settings) -> None:
    [written] = generate_reports(golden, "month")
    assert (written.report.period_start, written.report.baseline) == (date(2026, 2, 1), date(2026, 1, 1))
    assert written.markdown == golden.reports_dir / "month" / "2026-02.md"
    assert written.html == golden.reports_dir / "month" / "2026-02.html"
    marts = _scorecard_rows(golden, "monthly", date(2026, 2, 1))
    assert {line.kpi_id for line in written.report.kpis} == set(marts)
    text = written.markdown.read_text(encoding="utf-8")
    for line in written.report.kpis:
        row = marts[line.kpi_id]
        assert (line.actual, line.target, line.baseline, line.status, line.trend) == (
            row["actual_value"], row["target_value"], row["prior_value"], row["status"], row["trend_direction"]
        ), line.kpi_id
        expected_rate = row["change_rate"]
        assert line.change_rate == (None if expected_rate is None else pytest.approx(expected_rate, rel=1e-12))
        assert (line.benchmark_low, line.benchmark_high, line.benchmark_position) == (
            row["benchmark_low"], row["benchmark_high"], row["benchmark_position"]
        ), line.kpi_id
        assert (line.interim_days, line.interim_target, line.interim_met, line.plan_baseline, line.progress) == (
            row["interim_target_days"], row["interim_target_value"], row["interim_target_met"], row["baseline_value"],
            row["target_progress_rate"],
        ), line.kpi_id
        cells = _markdown_row(text, "Scorecard by pillar", line.display_name)
        assert cells[1] == format_value(row["actual_value"], row["unit"]), line.kpi_id
        assert cells[3] == ("–" if row["target_value"] is None else format_value(row["target_value"], row["unit"]))
        assert cells[5] == status_emoji(row["status"])
        assert cells[6] == format_band(
            row["benchmark_low"], row["benchmark_high"], row["unit"], row["benchmark_position"]
        )
        assert cells[7] == format_interim(
            row["interim_target_days"], row["interim_target_value"], row["unit"], row["interim_target_met"]
        )
        assert cells[8] == format_progress(row["target_progress_rate"])
    # the hand-computed golden figures (tests/golden/README.md), as the reader sees them. The data
    # starts inside January (first signup 2 January, first session 6 January): January is a
    # partial first month, so February is not compared with it (like for like): no change.
    assert _markdown_row(text, "Key metrics", "Net revenue")[:4] == ["Net revenue", "$177.35", "–", "–"]
    assert _markdown_row(text, "Key metrics", "Course NPS")[1:5] == ["-50.0", "–", "60.0", "✗"]
    assert _markdown_row(text, "Key metrics", "Monthly active students")[1:3] == ["5", "–"]
    assert _markdown_row(text, "Operational performance", "Refund rate")[1:4] == ["29.0%", "5.0%", "✗"]
    # the KPI template's plan starts 2026-01-01: February (day 31) has the 90-day interim targets of
    # seeds/kpi_template.csv; the golden data starts in January, so no baseline (Q4 2025) and no
    # progress; the references' bands: NPS 50-70, course completion 15-25%
    assert _markdown_row(text, "Scorecard by pillar", "Course NPS")[6:9] == ["50.0–70.0 below", "60.0 (90 d) ✗", "–"]
    assert _markdown_row(text, "Scorecard by pillar", "Refund rate")[6:9] == ["–", "5.0% (90 d) ✗", "–"]
    assert _markdown_row(text, "Scorecard by pillar", "Net revenue")[6:9] == ["–", "–", "–"]  # no target, no band
    assert PLAN_NOTE in text


@pytest.mark.slow
def test_active_alerts_and_top_movers_come_from_the_marts(golden: Settings) -> None:
    [written] = generate_reports(golden, "month", period="2026-02")
    with duckdb.connect(str(golden.warehouse_path), read_only=True) as con:
        messages = {row[0] for row in con.execute(
            "select alert_message from marts.kpi_alerts"
            " where frequency = 'monthly' and period_start = date '2026-02-01'"
        ).fetchall()}
    assert {alert.message for alert in written.report.alerts} == messages
    severities = [alert.severity for alert in written.report.alerts]
    assert severities == sorted(severities, key=["critical", "warning", "info"].index)
    text = written.markdown.read_text(encoding="utf-8")
    # January is the partial first month (the data starts on 2 January): February is never
    # compared with it, so nothing moved and no drop against it alerts (before: "Net revenue fell
    # 33.0% vs January 2026", and CAC +164% as the top mover)
    assert "vs January 2026" not in "".join(messages) and "fell 33.0%" not in text
    assert "No KPI has a change to compare." in text.split("## Top movers", 1)[1]


@pytest.mark.slow
def test_an_earlier_month_can_be_backfilled(golden: Settings) -> None:
    [written] = generate_reports(golden, "month", period="2026-01")
    text = written.markdown.read_text(encoding="utf-8")
    assert text.startswith("# Monthly KPI summary: January 2026\n")
    assert "compared with December 2025" in text
    assert _markdown_row(text, "Key metrics", "Net revenue")[1:3] == ["$264.65", "–"]  # no December revenue
    every = generate_reports(golden, "month", all_periods=True)
    assert [w.markdown.name for w in every] == ["2025-10.md", "2025-11.md", "2025-12.md", "2026-01.md", "2026-02.md"]


@pytest.mark.slow
def test_a_report_is_the_same_whenever_it_is_generated(golden: Settings, tmp_path: Path) -> None:
    [first] = generate_reports(golden, "month", period="2026-01")
    january = first.markdown.read_bytes(), first.html.read_bytes()
    generate_reports(golden, "month", all_periods=True)  # later months written in between
    [again] = generate_reports(golden, "month", period="2026-01")
    assert (again.markdown.read_bytes(), again.html.read_bytes()) == january
    # the warehouse as it was when January had just closed: no later scorecard rows or alerts
    earlier = replace(golden, warehouse_path=tmp_path / "warehouse.duckdb", reports_dir=tmp_path / "reports")
    shutil.copy(golden.warehouse_path, earlier.warehouse_path)
    with duckdb.connect(str(earlier.warehouse_path)) as con:
        for table_name in ("kpi_scorecard", "kpi_alerts"):
            con.execute(f"delete from marts.{table_name} where period_start > date '2026-01-31'")
    [then] = generate_reports(earlier, "month", period="2026-01")
    assert (then.markdown.read_bytes(), then.html.read_bytes()) == january


@pytest.mark.slow
def test_week_day_and_quarter_reports(golden: Settings) -> None:
    [week] = generate_reports(golden, "week")
    assert week.markdown.name == "2026-W11.md"  # 9-15 March: the week of 16 March is still open
    assert "Weekly active students" in week.markdown.read_text(encoding="utf-8")
    [day] = generate_reports(golden, "day")
    assert day.markdown.name == "2026-03-19.md"  # the as-of day 20 March may be partial
    [order_day] = generate_reports(golden, "day", period="2026-03-12")  # order 10 and its web session
    daily = {"eng_daily_active_students", "eng_conversion_rate", "eng_bounce_rate"}
    assert {line.kpi_id for line in headline(order_day.report.kpis)} == daily  # no strategic daily KPI
    [quarter] = generate_reports(golden, "quarter")
    assert quarter.markdown.name == "2025-Q4.md"  # Q1 2026 ends with the open March
    text = quarter.markdown.read_text(encoding="utf-8")
    assert text.startswith("# Quarterly KPI summary: Q4 2025\n")
    assert (
        "monthly KPIs of its last month, December 2025, against the previous quarter's last month, September 2025"
    ) in text
    # the golden scorecard's quarterly rows start with the open Q1 2026: Q4 2025 has monthly ones only
    assert quarter.report.period_kpis == ()
    assert "## Quarterly KPIs: Q4 2025\n\nNo quarterly KPI in the scorecard for Q4 2025.\n" in text
    assert "\n## Key metrics: December 2025 (monthly KPIs)\n" in text


@pytest.mark.slow
def test_missing_data_is_refused_naming_the_period_and_the_warehouse(golden: Settings, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match=r"month 2026-03 is not complete .*latest complete month is 2026-02"):
        generate_reports(golden, "month", period="2026-03")
    where = re.escape(str(golden.warehouse_path))
    with pytest.raises(ReportError, match=rf"no monthly rows .* month 2024-01 in {where}"):
        generate_reports(golden, "month", period="2024-01")
    with pytest.raises(ReportError, match=r"quarter 2026-Q1 is not complete"):
        generate_reports(golden, "quarter", period="2026-Q1")
    missing = replace(golden, warehouse_path=tmp_path / "none.duckdb")
    with pytest.raises(ReportError, match=rf"warehouse not found: {re.escape(str(missing.warehouse_path))}"):
        generate_reports(missing, "month")


@pytest.mark.slow
def test_cli_writes_a_period_and_explains_a_refusal(
    golden: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WAREHOUSE_PATH", str(golden.warehouse_path))
    monkeypatch.setenv("REPORTS_DIR", str(golden.reports_dir))
    assert reports_main(["--frequency", "month", "--period", "2026-02"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Monthly KPI scorecard: February 2026\n")
    assert "  [OFF]  Refund rate" in out and str(golden.reports_dir / "month" / "2026-02.html") in out
    assert reports_main(["--frequency", "day", "--from", "2026-03-01", "--to", "2026-03-10"]) == 0
    assert "10 day reports (2026-03-01 to 2026-03-10)" in capsys.readouterr().out
    assert reports_main(["--period", "2026-03"]) == 1
    assert "error: month 2026-03 is not complete" in capsys.readouterr().err


@pytest.mark.slow
def test_pipeline_summary_ends_with_the_monthly_scorecard(golden: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    pipeline.summary_step(golden)
    out = capsys.readouterr().out
    scorecard = out.split("Monthly KPI scorecard: February 2026\n", 1)[1]
    assert "Revenue\n  [--]   Net revenue" in scorecard  # not a terminal: plain marks, no escape codes
    assert "\x1b[" not in out
    assert f"executive summary: {golden.reports_dir / 'month' / '2026-02.md'}" in out
    assert (golden.reports_dir / "month" / "2026-02.html").exists()


OVERFLOW_PROBE = """<script>
for (const cell of document.querySelectorAll("td, th")) {
  if (cell.scrollWidth > cell.clientWidth + 1) cell.setAttribute("data-overflow", cell.textContent.trim());
}
</script>"""


@pytest.mark.slow
def test_html_report_renders_its_charts_in_chromium(golden: Settings) -> None:
    [written] = generate_reports(golden, "month", period="2026-02")
    html = written.html.read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    shot, dom = screenshot_and_dom(written.html.as_uri(), "report-monthly-golden", height=1800)
    assert shot.stat().st_size > 20_000
    lead = headline(written.report.kpis)
    charts = re.findall(r'<svg class="trend-chart" data-kpi="([a-z_]+)"', dom)
    assert charts == [line.kpi_id for line in lead]
    assert len(re.findall(r'<path class="trend-line" d="M[\d.]+,[\d.]+ L', dom)) >= 5
    for line in lead:
        card = dom.split(f'<article class="card {vocabulary.color(line.status)}" data-kpi="{line.kpi_id}">', 1)[1]
        assert f'<p class="value">{format_value(line.actual, line.unit)}</p>' in card.split("</article>", 1)[0]
    # no table cell's text runs over the next one (the scorecard's fixed columns once let a
    # benchmark band overlap the interim target): a copy of the page, laid out as wide as a laptop
    # screen, marks each overflowing cell
    probe = written.html.with_name("overflow-probe.html")
    probe.write_text(html.replace("</body>", OVERFLOW_PROBE + "</body>"), encoding="utf-8")
    overflowing = re.findall(r'data-overflow="([^"]*)"', dump_dom(probe.as_uri(), width=1200))
    assert overflowing == [], overflowing


# ---------------------------------------------------------------------------- quarterly grain (small SQL scorecard)

# (kpi_id, kpi_name, pillar, level, frequency, unit, direction, owner)
Q_REVENUE = ("q_revenue", "Net revenue (quarter)", "revenue", "strategic", "quarterly", "usd", "higher_is_better",
             "Finance")
Q_CLV_CAC = ("q_clv_cac", "CLV to CAC ratio (quarter)", "business", "strategic", "quarterly", "ratio",
             "higher_is_better", "CRO")
M_REVENUE = ("m_revenue", "Net revenue", "revenue", "strategic", "monthly", "usd", "higher_is_better", "Finance")
M_REFUNDS = ("m_refunds", "Refund rate", "revenue", "operational", "monthly", "rate", "lower_is_better", "Finance")
D_CONVERSION = ("d_conversion", "Session conversion rate", "engagement", "operational", "daily", "rate",
                "higher_is_better", "Product")

# (kpi, period_start, is_complete_period, status, actual_value, target_value); as of 10 August 2026:
# Q3 2026 is open, July complete; Q4 2025 has quarterly rows but no monthly ones.
SMALL_SCORECARD = [
    (Q_REVENUE, date(2025, 10, 1), True, "untargeted", 800.0, None),
    (Q_REVENUE, date(2026, 1, 1), True, "untargeted", 1000.0, None),
    (Q_REVENUE, date(2026, 4, 1), True, "untargeted", 1250.0, None),
    (Q_REVENUE, date(2026, 7, 1), False, "provisional", 5000.0, None),  # after Q2: never read by its report
    (Q_CLV_CAC, date(2026, 1, 1), True, "at_risk", 2.5, 3.0),
    (Q_CLV_CAC, date(2026, 4, 1), True, "beating_target", 3.3, 3.0),
    (M_REVENUE, date(2026, 3, 1), True, "untargeted", 300.0, None),
    (M_REVENUE, date(2026, 4, 1), True, "untargeted", 350.0, None),
    (M_REVENUE, date(2026, 5, 1), True, "untargeted", 380.0, None),
    (M_REVENUE, date(2026, 6, 1), True, "untargeted", 420.0, None),
    (M_REVENUE, date(2026, 7, 1), True, "untargeted", 9999.0, None),  # after Q2
    (M_REFUNDS, date(2026, 3, 1), True, "on_target", 0.04, 0.05),
    (M_REFUNDS, date(2026, 6, 1), True, "at_risk", 0.06, 0.05),
    (D_CONVERSION, date(2026, 5, 10), True, "off_target", 0.01, 0.03),
]
# (kpi, period_start, alert_type, severity, alert_message)
SMALL_ALERTS = [
    (Q_CLV_CAC, date(2026, 1, 1), "warning_threshold", "warning", "CLV to CAC ratio (quarter) was 2.5 in Q1 2026"),
    (Q_REVENUE, date(2026, 4, 1), "spike", "info", "Net revenue (quarter) rose 25.0% vs Q1 2026"),
    (Q_REVENUE, date(2026, 7, 1), "spike", "info", "Net revenue (quarter) rose 300.0% vs Q2 2026"),  # after Q2
    (M_REVENUE, date(2026, 4, 1), "drop", "warning", "Net revenue fell in April 2026"),
    (M_REFUNDS, date(2026, 6, 1), "warning_threshold", "warning", "Refund rate was 6.0% in June 2026"),
    (M_REVENUE, date(2026, 7, 1), "spike", "info", "Net revenue rose in July 2026"),  # after Q2
    (D_CONVERSION, date(2026, 5, 10), "critical_threshold", "critical", "Session conversion rate was 1.0%"),
]


def _period_end(frequency: str, start: date) -> date:
    return period_end({"daily": DAY, "weekly": WEEK, "monthly": MONTH, "quarterly": QUARTER}[frequency], start)


def small_warehouse(root: Path, until: date = date.max) -> Settings:
    """marts.kpi_scorecard and marts.kpi_alerts with the columns the reports read, holding the
    SMALL_ rows that start on or before `until` (the warehouse as it was then)."""
    settings = Settings(warehouse_path=root / "warehouse.duckdb", landing_dir=root / "landing",
                        reports_dir=root / "reports")
    root.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute("create schema marts")
        con.execute(
            """
            create table marts.kpi_scorecard (
                kpi_id varchar, kpi_name varchar, pillar varchar, level varchar, frequency varchar,
                unit varchar, direction varchar, owner varchar, period_start date, period_end date,
                is_complete_period boolean, is_partial_period boolean default false, status varchar,
                actual_value double, target_value double, is_final_period boolean, status_reason varchar,
                benchmark_low double, benchmark_high double, benchmark_position varchar,
                interim_target_days integer, interim_target_value double, interim_target_met boolean,
                baseline_value double, target_progress_rate double, is_manual boolean default false
            )
            """
        )
        con.execute(
            """
            create table marts.kpi_alerts (
                kpi_id varchar, kpi_name varchar, frequency varchar, owner varchar, period_start date,
                alert_type varchar, severity varchar, alert_message varchar
            )
            """
        )
        con.executemany(
            "insert into marts.kpi_scorecard (kpi_id, kpi_name, pillar, level, frequency, unit, direction, owner, "
            "period_start, period_end, is_complete_period, status, actual_value, target_value, is_final_period, "
            "status_reason) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                # a final period: complete and not provisional
                [*kpi_row, start, _period_end(kpi_row[4], start), *rest, rest[0] and rest[1] != "provisional", None]
                for kpi_row, start, *rest in SMALL_SCORECARD
                if start <= until
            ],
        )
        # June's refund rate: above the band 2-5%, the 90-day interim target of 7% met, two thirds of
        # the way from the 8% baseline to the yearly 5% (lower is better)
        con.execute(
            """
            update marts.kpi_scorecard
            set benchmark_low = 0.02, benchmark_high = 0.05, benchmark_position = 'above',
                interim_target_days = 90, interim_target_value = 0.07, interim_target_met = true,
                baseline_value = 0.08, target_progress_rate = (0.06 - 0.08) / (0.05 - 0.08)
            where kpi_id = 'm_refunds' and period_start = date '2026-06-01'
            """
        )
        con.executemany(
            "insert into marts.kpi_alerts values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [kpi_row[0], kpi_row[1], kpi_row[4], kpi_row[7], start, *rest]
                for kpi_row, start, *rest in SMALL_ALERTS
                if start <= until
            ],
        )
    return settings


@pytest.fixture
def small(tmp_path: Path) -> Settings:
    return small_warehouse(tmp_path)


def test_a_quarter_is_complete_with_its_quarterly_and_last_months_rows(small: Settings) -> None:
    with duckdb.connect(str(small.warehouse_path), read_only=True) as con:
        # Q4 2025 from its quarterly rows alone; Q3 2026's quarterly rows are still open
        assert complete_periods(con, QUARTER) == [date(2025, 10, 1), date(2026, 1, 1), date(2026, 4, 1)]
        assert complete_periods(con, MONTH) == [date(2026, m, 1) for m in (3, 4, 5, 6, 7)]
    [latest] = generate_reports(small, "quarter")
    assert latest.markdown.name == "2026-Q2.md"
    with pytest.raises(ReportError, match=r"quarter 2026-Q3 is not complete .*latest complete quarter is 2026-Q2"):
        generate_reports(small, "quarter", period="2026-Q3")
    with pytest.raises(ReportError, match=r"no quarterly or monthly rows in marts.kpi_scorecard for quarter 2025-Q3"):
        generate_reports(small, "quarter", period="2025-Q3")


def test_quarterly_report_model_has_the_quarterly_and_last_months_figures(small: Settings) -> None:
    [written] = generate_reports(small, "quarter", period="2026-Q2")
    report = written.report
    assert (report.period_start, report.period_end, report.anchor, report.baseline) == (
        date(2026, 4, 1), date(2026, 6, 30), date(2026, 6, 1), date(2026, 3, 1)
    )
    quarterly = {line.kpi_id: line for line in report.period_kpis}
    assert [line.kpi_id for line in report.period_kpis] == ["q_revenue", "q_clv_cac"]  # by pillar
    revenue, ratio = quarterly["q_revenue"], quarterly["q_clv_cac"]
    assert (revenue.actual, revenue.baseline, revenue.change_value, revenue.trend, revenue.frequency) == (
        1250.0, 1000.0, 250.0, "up", "quarterly"
    )
    assert revenue.change_rate == pytest.approx(0.25)
    assert (ratio.actual, ratio.baseline, ratio.target, ratio.target_met, ratio.status) == (
        3.3,
        2.5,
        3.0,
        True,
        "beating_target",
    )
    assert ratio.change_rate == pytest.approx(0.32)
    # quarterly trends: from the KPI's first quarter to Q2 2026, nothing after it
    assert [(p.period_start, p.value) for p in report.period_trends["q_revenue"]] == [
        (date(2025, 10, 1), 800.0), (date(2026, 1, 1), 1000.0), (date(2026, 4, 1), 1250.0)
    ]
    assert [p.value for p in report.period_trends["q_clv_cac"]] == [2.5, 3.3]
    # the monthly KPIs of June against March, as before the quarterly grain
    assert [(line.kpi_id, line.actual, line.baseline) for line in report.kpis] == [
        ("m_revenue", 420.0, 300.0), ("m_refunds", 0.06, 0.04)
    ]
    assert [p.value for p in report.trends["m_revenue"]] == [300.0, 350.0, 380.0, 420.0]
    # alerts: the quarter's own, June's, and the tally of the others inside the quarter (not Q1's
    # quarterly alert, nor July's or Q3's)
    assert [alert.message for alert in report.period_alerts] == ["Net revenue (quarter) rose 25.0% vs Q1 2026"]
    assert [alert.message for alert in report.alerts] == ["Refund rate was 6.0% in June 2026"]
    assert [(t.kpi_name, t.frequency, t.alert_type, t.count, t.first) for t in report.other_alerts] == [
        ("Session conversion rate", "daily", "critical_threshold", 1, date(2026, 5, 10)),
        ("Net revenue", "monthly", "drop", 1, date(2026, 4, 1)),
    ]


def test_quarterly_report_markdown_leads_with_the_quarterly_kpis(small: Settings) -> None:
    [written] = generate_reports(small, "quarter", period="2026-Q2")
    text = written.markdown.read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "# Quarterly KPI summary: Q2 2026",
        "## Quarterly KPIs: Q2 2026",
        "## Key metrics: June 2026 (monthly KPIs)",
        "## Operational performance: June 2026 (monthly KPIs)",
        "## Active alerts",
        "### Q2 2026 (quarterly KPIs)",
        "### June 2026 (monthly KPIs)",
        "### Also during Q2 2026, alerts of daily and monthly KPIs",
        "## Top movers vs the previous quarter",
        "## Scorecard by pillar: June 2026 (monthly KPIs)",
        "### Revenue",
    ]
    assert (
        "Period 2026-04-01 to 2026-06-30, compared with Q1 2026. Figures as of the period end, from "
        "marts.kpi_scorecard and marts.kpi_alerts (complete periods only). A quarter shows its quarterly KPIs "
        "against the previous quarter, Q1 2026, then the monthly KPIs of its last month, June 2026, against the "
        "previous quarter's last month, March 2026.\n"
    ) in text
    assert (
        "**Overall: 🟡 1 at risk · 🔵 1 beating target · ⚪ 2 no target of 4 KPIs "
        "(2 quarterly, 2 monthly of June 2026); 1 of 2 targets met.**"
    ) in text
    quarterly = text.split("## Quarterly KPIs: Q2 2026\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert quarterly == [
        "| KPI | Value | vs Q1 2026 | Target | Met | Status | Trend |",
        "|:--|--:|--:|--:|:-:|:--|:--|",
        "| Net revenue (quarter) | $1,250 | ↑ +25.0% | – | – | ⚪ no target | `▁▄█` Q4 2025 – Q2 2026 |",
        "| CLV to CAC ratio (quarter) | 3.30 | ↑ +32.0% | 3.00 | ✓ | 🔵 beating target | `▁█` Q1 2026 – Q2 2026 |",
    ]
    assert _markdown_row(text, "Key metrics", "Net revenue") == [
        "Net revenue", "$420.00", "↑ +40.0%", "–", "–", "⚪ no target", "`▁▄▆█` Mar 2026 – Jun 2026"
    ]
    assert _markdown_row(text, "Operational performance", "Refund rate") == ["Refund rate", "6.0%", "5.0%", "✗",
                                                                             "🟡 at risk"]
    alerts = text.split("\n## Active alerts\n", 1)[1].split("\n## ", 1)[0]
    assert "| 🔵 info | Net revenue (quarter) | Net revenue (quarter) rose 25.0% vs Q1 2026 |" in alerts
    assert "| 🟡 warning | Refund rate | Refund rate was 6.0% in June 2026 |" in alerts
    assert "| Net revenue | monthly | drop | 🟡 warning | 1 | 2026-04-01 | 2026-04-01 |" in alerts
    assert "in Q1 2026" not in alerts and "July" not in alerts and "300.0%" not in alerts  # before, after Q2
    # top movers rank the quarterly and monthly KPIs together by relative change
    movers = text.split("\n## Top movers vs the previous quarter\n\n", 1)[1].split("\n\n## ", 1)[0].splitlines()
    assert movers == [
        "Quarterly KPIs of Q2 2026 vs Q1 2026 and monthly KPIs of June 2026 vs March 2026, by relative change:",
        "",
        "| KPI | Periods | Before | Now | Change |  |",
        "|:--|:--|--:|--:|--:|:--|",
        "| Refund rate | March 2026 → June 2026 | 4.0% | 6.0% | +50.0% | worse |",
        "| Net revenue | March 2026 → June 2026 | $300.00 | $420.00 | +40.0% | better |",
        "| CLV to CAC ratio (quarter) | Q1 2026 → Q2 2026 | 2.50 | 3.30 | +32.0% | better |",
        "| Net revenue (quarter) | Q1 2026 → Q2 2026 | $1,000 | $1,250 | +25.0% | better |",
    ]
    # the scorecard by pillar stays the last month's
    scorecard = text.split("\n## Scorecard by pillar", 1)[1]
    assert "| Net revenue | $420.00 |" in scorecard and "(quarter)" not in scorecard
    # with the benchmark band, the interim target in force and the progress to the yearly target
    assert _markdown_row(text, "Scorecard by pillar", "Refund rate") == [
        "Refund rate",
        "6.0%",
        "↑ +2.0 pp",
        "5.0%",
        "✗",
        "🟡 at risk",
        "2.0%–5.0% above",
        "7.0% (90 d) ✓",
        "67%",
        "Finance",
    ]
    assert _markdown_row(text, "Scorecard by pillar", "Net revenue")[6:] == ["–", "–", "–", "Finance"]
    assert (
        "| KPI | Value | Change | Target | Met | Status | Benchmark | Interim target | Progress | Owner |" in scorecard
    )
    assert PLAN_NOTE in text


def test_quarterly_report_html_has_quarterly_cards_before_the_monthly_ones(small: Settings) -> None:
    [written] = generate_reports(small, "quarter", period="2026-Q2")
    html = written.html.read_text(encoding="utf-8")
    assert html.index('<section id="period-kpis"><h2>Quarterly KPIs: Q2 2026</h2>') < html.index(
        '<section id="key-metrics"><h2>Key metrics: June 2026 (monthly KPIs)</h2>'
    )
    charts = re.findall(r'<svg class="trend-chart" data-kpi="([a-z_]+)"', html)
    assert charts == ["q_revenue", "q_clv_cac", "m_revenue"]
    card = html.split('<article class="card grey" data-kpi="q_revenue">', 1)[1].split("</article>", 1)[0]
    assert '<p class="value">$1,250</p>' in card
    assert '<span class="better">↑ +25.0%</span> vs Q1 2026 · no target · Finance' in card
    assert "<title>Net revenue (quarter): trend to Q2 2026</title>" in card
    assert ">Q4 2025</text>" in card and ">Q2 2026</text>" in card
    ratio = html.split('data-kpi="q_clv_cac">', 1)[1].split("</article>", 1)[0]
    assert 'target 3.00 <span class="met">✓</span>' in ratio
    assert "<h3>Q2 2026 (quarterly KPIs)</h3>" in html and "<h3>June 2026 (monthly KPIs)</h3>" in html
    assert "<th>Periods</th>" in html and "<td>Q1 2026 → Q2 2026</td>" in html
    scorecard = html.split('<section id="scorecard">', 1)[1].split("</section>", 1)[0]
    assert '<th class="num">Benchmark</th><th class="num">Interim target</th><th class="num">Progress</th>' in scorecard
    assert ('<td class="num">2.0%–5.0% above</td><td class="num">7.0% (90 d) <span class="met">✓</span></td>'
            '<td class="num">67%</td><td>Finance</td>') in scorecard
    # the operational table keeps its columns: the plan is the scorecard's
    operational = html.split('<section id="operational">', 1)[1].split("</section>", 1)[0]
    assert "Benchmark" not in operational


def test_quarterly_terminal_scorecard_lists_the_quarterly_kpis_first(small: Settings) -> None:
    [written] = generate_reports(small, "quarter", period="2026-Q2")
    assert render_scorecard(written.report) == "\n".join(
        [
            "Quarterly KPI scorecard: Q2 2026 (quarterly KPIs, and the monthly KPIs of June 2026)",
            "1 at risk · 1 beating target · 2 no target of 4 KPIs (2 quarterly, 2 monthly of June 2026); "
            "1 of 2 targets met",
            "",
            "         KPI                           Value     Change  Target  Met  Owner",
            "Quarterly KPIs: Q2 2026, vs Q1 2026",
            "  [--]   Net revenue (quarter)        $1,250   ↑ +25.0%       –  –    Finance",
            "  [BEAT] CLV to CAC ratio (quarter)     3.30   ↑ +32.0%    3.00  ✓    CRO",
            "Monthly KPIs: June 2026, vs March 2026",
            "Revenue",
            "  [--]   Net revenue                 $420.00   ↑ +40.0%       –  –    Finance",
            "  [RISK] Refund rate                    6.0%  ↑ +2.0 pp    5.0%  ✗    Finance",
        ]
    )


def test_quarterly_report_is_the_same_whenever_it_is_generated(small: Settings, tmp_path: Path) -> None:
    [first] = generate_reports(small, "quarter", period="2026-Q2")
    q2 = first.markdown.read_bytes(), first.html.read_bytes()
    generate_reports(small, "quarter", all_periods=True)
    [again] = generate_reports(small, "quarter", period="2026-Q2")
    assert (again.markdown.read_bytes(), again.html.read_bytes()) == q2
    # the scorecard as it was when Q2 had just closed: no Q3 rows, no July
    then = small_warehouse(tmp_path / "then", until=date(2026, 6, 30))
    [earlier] = generate_reports(then, "quarter", period="2026-Q2")
    assert (earlier.markdown.read_bytes(), earlier.html.read_bytes()) == q2


def test_a_quarter_without_monthly_rows_shows_its_quarterly_kpis(small: Settings) -> None:
    [written] = generate_reports(small, "quarter", period="2025-Q4")
    text = written.markdown.read_text(encoding="utf-8")
    assert [line.kpi_id for line in written.report.period_kpis] == ["q_revenue"] and written.report.kpis == ()
    assert "| Net revenue (quarter) | $800.00 | – | – | – | ⚪ no target | `▅` Q4 2025 |" in text
    assert "## Key metrics: December 2025 (monthly KPIs)\n\nNo monthly KPI in the scorecard for December 2025." in text
    assert "No KPI has a change to compare." in text


# ---------------------------------------------------------------------------- why is it red (kpi_drivers)


def _driver(**overrides: Any) -> Driver:
    fields: dict[str, Any] = {
        "dimension": "category", "slice_value": "data_science", "value": 0.09, "prior_value": 0.05, "weight": 0.40,
        "prior_weight": 0.30, "contribution": 0.016, "rate_effect": 0.012, "mix_effect": 0.004, "numerator": 90.0,
    }
    return Driver(**{**fields, **overrides})


def test_driver_effects_are_worded_in_the_kpis_unit() -> None:
    assert format_delta(0.0161, "rate") == "+1.6 pp"
    assert format_delta(-0.00001, "rate") == "0.0 pp"  # rounds to zero: no sign
    assert format_delta(-6338.41, "usd") == "-$6,338"
    assert format_delta(12.5, "usd") == "+$12.50"
    assert format_delta(-0.234, "ratio") == "-0.23"
    assert format_delta(1.25, "score") == "+1.2 pts"
    # a ratio KPI compared with the month before: the contribution split into rate and mix effects
    # (by hand: rate 0.30 x (9% - 5%) = +1.2 pp; mix (0.40 - 0.30) x (9% - the KPI's 5% before) = +0.4 pp)
    assert driver_text(_driver(), "rate", "change") == (
        "Category data_science: +1.6 pp (rate +1.2 pp: 5.0% → 9.0%; mix +0.4 pp: share 30.0% → 40.0%)"
    )
    assert driver_text(_driver(dimension="instructor_tier", slice_value="top_10_pct", value=None, weight=0.0,
                               contribution=-0.015, rate_effect=0.0, mix_effect=-0.015), "rate", "change") == (
        "Instructor tier top 10%: -1.5 pp (gone this month: 5.0% on 30.0% before)"
    )
    assert driver_text(_driver(prior_value=None, prior_weight=0.0, rate_effect=0.0, mix_effect=0.016), "rate",
                       "change") == "Category data_science: +1.6 pp (new this month: 9.0% on 40.0% of the volume)"
    additive = _driver(dimension="student_country", slice_value="GB", value=15705.83, prior_value=18036.98,
                       contribution=-2331.15, rate_effect=None, mix_effect=None)
    assert driver_text(additive, "usd", "change") == "Country GB: -$2,331 ($18,037 → $15,706)"
    # against the target (no comparable month before): the slice's part of the gap
    assert driver_text(_driver(contribution=0.0256), "rate", "target") == (
        "Category data_science: +2.6 pp of the gap (9.0% on 40.0% of the volume)"
    )


def test_why_red_headline_says_how_the_kpi_moved_or_where_it_stands() -> None:
    line = kpi("rev_refund_rate", kpi_name="Refund rate", unit="rate", direction="lower_is_better",
               status="off_target", actual=0.061, target=0.05, baseline=0.04, change_value=0.021)
    assert headline_text(Explanation(line, False, "change", (_driver(),)), "May 2026") == (
        "rose 2.1 pp vs May 2026 (4.0% → 6.1%)."
    )
    assert headline_text(Explanation(line, False, "target", (_driver(),)), "May 2026").startswith(
        "6.1% against a target of 5.0% (+1.1 pp); not compared with May 2026"
    )
    no_slices = Explanation(line, True, "none", reason=NO_SLICES)
    assert headline_text(no_slices, "May 2026") == f"6.1%; {NO_SLICES}."


def test_a_daily_report_explains_a_red_daily_kpi_by_the_day_before() -> None:
    """The daily report reads kpi_drivers' daily rows: session conversion on 11 February against
    10 February by channel (by hand: paid rose 8/64 -> 24/64 on half the sessions: rate effect
    0.5 x 25 pp = +12.5 pp, the whole change), worded for a day; a weekly report has no section
    (its KPIs have no slices)."""
    from orchestration.reports.queries import _explanations

    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute(
        "create table marts.kpi_drivers (kpi_id varchar, period_start date, dimension varchar, slice_value varchar, "
        "decomposition_method varchar, direction varchar, driver_rank integer, slice_rate_value double, "
        "prior_slice_rate_value double, weight_share double, prior_weight_share double, level_value double, "
        "contribution_value double, rate_effect_value double, mix_effect_value double, numerator_value double)"
    )
    day, before = date(2026, 2, 11), date(2026, 2, 10)
    con.executemany(
        "insert into marts.kpi_drivers values ('conv', ?, 'channel', ?, 'ratio', 'higher_is_better', ?, ?, ?, "
        "0.5, 0.5, ?, ?, ?, 0.0, ?)",
        [
            [day, "paid", 1, 0.375, 0.125, 0.1875, 0.125, 0.125, 24.0],
            [day, "email", 2, 0.125, 0.125, 0.0625, 0.0, 0.0, 8.0],
            [before, "paid", 1, 0.125, None, 0.0625, 0.0, None, 8.0],
        ],
    )
    line = kpi("conv", kpi_name="Conversion", unit="rate", status="at_risk", actual=0.25, target=0.3,
               baseline=0.125, change_value=0.125, change_rate=1.0)
    [explanation] = _explanations(con, DAY, day, (line,), ())
    assert (explanation.basis, explanation.period) == ("change", "day")
    assert [driver.slice_value for driver in explanation.drivers] == ["paid"]  # email moved nothing
    assert driver_text(explanation.drivers[0], "rate", explanation.basis, explanation.period) == (
        "Channel paid: +12.5 pp (rate +12.5 pp: 12.5% → 37.5%; mix 0.0 pp: share 50.0% → 50.0%)"
    )
    assert headline_text(explanation, "10 February 2026") == "rose 12.5 pp vs 10 February 2026 (12.5% → 25.0%)."
    new = _driver(prior_value=None, prior_weight=0.0, rate_effect=0.0, mix_effect=0.016)
    assert driver_text(new, "rate", "change", "day").endswith("(new this day: 9.0% on 40.0% of the volume)")
    assert _explanations(con, WEEK, date(2026, 2, 9), (replace(line, kpi_id="conv"),), ()) == ()


@pytest.mark.slow
def test_why_is_it_red_names_the_slices_behind_an_off_target_kpi(golden: Settings) -> None:
    """February 2026 of the golden data (tests/golden/README.md): refund rate 72.45 / 249.80 =
    29.0%, off target (5%). January is a partial month (the data starts on 10 January), so the
    slices are read against the target: a slice's part of the gap is (its refunds - 5% x its
    collected) / 249.80. By hand: country FR (student 3, refunded, bought nothing in February)
    72.45 / 249.80 = +29.0 pp; instructor tier top 10% (Ada: the one instructor of ceil(10% x 2
    with January revenue), lines of orders 6 and 7, 129.80 collected) (72.45 - 6.49) / 249.80 =
    +26.4 pp at 72.45 / 129.80 = 55.8% on 129.80 / 249.80 = 52.0%; category data_science (orders
    5 and 7, 159.80 collected) (72.45 - 7.99) / 249.80 = +25.8 pp at 45.3% on 64.0%. Course NPS
    is off target and has no slices."""
    [written] = generate_reports(golden, "month", period="2026-02")
    text = written.markdown.read_text(encoding="utf-8")
    section = text.split("\n## Why is it red\n", 1)[1].split("\n## ", 1)[0]
    lines = section.strip().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("- **Refund rate**"))
    assert lines[start] == (
        "- **Refund rate** (🔴 off target): 29.0% against a target of 5.0% (+24.0 pp); not compared with "
        "January 2026 (not a final month: like for like), so its slices are read against the target."
    )
    assert lines[start + 1:start + 4] == [
        "  - Country FR: +29.0 pp of the gap (72.45 in the numerator, nothing in the denominator this month)",
        "  - Instructor tier top 10%: +26.4 pp of the gap (55.8% on 52.0% of the volume)",
        "  - Category data_science: +25.8 pp of the gap (45.3% on 64.0% of the volume)",
    ]
    assert f"- **Course NPS** (🔴 off target): -50.0; {NO_SLICES}." in lines
    # every red KPI of the month, and only those (off target, at risk or alerted)
    red = {line.kpi_name for line in written.report.kpis if line.status in ("off_target", "at_risk")}
    named = {line.split("**")[1] for line in lines if line.startswith("- **")}
    assert named == red | {alert.kpi_name for alert in written.report.alerts}
    html = written.html.read_text(encoding="utf-8")
    why = html.split('<section id="why-red">', 1)[1].split("</section>", 1)[0]
    assert "<strong>Refund rate</strong>" in why
    assert "Instructor tier top 10%: +26.4 pp of the gap (55.8% on 52.0% of the volume)" in why


def test_a_maturing_cohort_is_a_gap_in_the_trend_not_a_fall() -> None:
    """October and November are final; December is complete but its cohort still matures (not
    final, not partial): the trend ends at November rather than drawing a fall to its young value.
    A partial first month (September, the data starts inside it) stays drawn, as before."""
    from orchestration.reports.queries import _trends

    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute(
        "create table marts.kpi_scorecard (kpi_id varchar, frequency varchar, period_start date, "
        "actual_value double, is_complete_period boolean, is_partial_period boolean, is_final_period boolean)"
    )
    con.executemany(
        "insert into marts.kpi_scorecard values ('cpl', 'monthly', ?, ?, true, ?, ?)",
        [
            [date(2026, 9, 1), 0.20, True, False],
            [date(2026, 10, 1), 0.23, False, True],
            [date(2026, 11, 1), 0.22, False, True],
            [date(2026, 12, 1), 0.12, False, False],
        ],
    )
    line = KpiLine("cpl", "Completion", "course_success", "strategic", "rate", "higher_is_better", "Learning",
                   "provisional", 0.12, 0.25, None, None, None, None)
    window = [date(2026, month, 1) for month in (9, 10, 11, 12)]
    points = _trends(con, "monthly", window, (line,))["cpl"]
    assert [(point.period_start.month, point.value) for point in points] == [
        (9, 0.20), (10, 0.23), (11, 0.22), (12, None)
    ]
