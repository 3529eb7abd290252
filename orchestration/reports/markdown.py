"""The executive summary as Markdown, laid out like the reference's sample executive summary:
key metrics with value, change vs baseline, target and a met/missed mark; operational KPIs; active
alerts; top movers; then the whole scorecard by pillar."""

from __future__ import annotations

from collections.abc import Sequence

from orchestration.reports.charts import sparkline
from orchestration.reports.formatting import (
    SEVERITY_EMOJI,
    STATUS_EMOJI,
    format_change,
    format_rate_change,
    format_target,
    format_value,
    met_mark,
    status_emoji,
    verdict,
)
from orchestration.reports.model import KpiLine, Report, by_pillar, headline, operational, pillar_label, top_movers
from orchestration.reports.periods import grain_cadence, short_label
from orchestration.reports.wording import (
    CHANGE_NOTE,
    LEGEND,
    anchor_label,
    baseline_label,
    other_alerts_intro,
    overall,
    period_line,
    title,
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(header: Sequence[str], align: str, rows: Sequence[Sequence[str]]) -> list[str]:
    """A Markdown table; `align` has one letter per column: l(eft), r(ight) or c(entre)."""
    rule = {"l": ":--", "r": "--:", "c": ":-:"}
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(rule[a] for a in align) + "|"]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    return lines


def _change(line: KpiLine) -> str:
    return format_change(line.unit, line.change_value, line.change_rate, line.trend)


def _trend(report: Report, line: KpiLine) -> str:
    points = report.trends.get(line.kpi_id, ())
    if all(point.value is None for point in points):
        return "–"
    grain = grain_cadence(report.cadence)
    span = " – ".join(dict.fromkeys(short_label(grain, point.period_start) for point in (points[0], points[-1])))
    return f"`{sparkline([point.value for point in points])}` {span}"


def _key_metrics(report: Report) -> list[str]:
    rows = [
        [
            line.kpi_name,
            format_value(line.actual, line.unit),
            _change(line),
            format_target(line.target, line.unit),
            met_mark(line.target_met),
            status_emoji(line.status),
            _trend(report, line),
        ]
        for line in headline(report.kpis)
    ]
    header = ["KPI", "Value", f"vs {baseline_label(report)}", "Target", "Met", "Status", "Trend"]
    return ["## Key metrics", "", *table(header, "lrrrcll", rows)]


def _operational(report: Report) -> list[str]:
    lines = operational(report.kpis)
    if not lines:
        return []
    rows = [
        [
            line.kpi_name,
            format_value(line.actual, line.unit),
            format_target(line.target, line.unit),
            met_mark(line.target_met),
            status_emoji(line.status),
        ]
        for line in lines
    ]
    return ["## Operational performance", "", *table(["KPI", "Value", "Target", "Met", "Status"], "lrrcl", rows)]


def _alerts(report: Report) -> list[str]:
    out = ["## Active alerts", ""]
    if report.alerts:
        rows = [[f"{SEVERITY_EMOJI.get(a.severity, '')} {a.severity}", a.kpi_name, a.message] for a in report.alerts]
        out += table(["Severity", "KPI", "Alert"], "lll", rows)
    else:
        out.append(f"No alert for {anchor_label(report)}.")
    if report.other_alerts:
        rows = [
            [
                tally.kpi_name,
                tally.frequency,
                tally.alert_type.replace("_", " "),
                f"{SEVERITY_EMOJI.get(tally.severity, '')} {tally.severity}",
                str(tally.count),
                tally.first.isoformat(),
                tally.last.isoformat(),
            ]
            for tally in report.other_alerts
        ]
        out += [
            "",
            other_alerts_intro(report),
            "",
            *table(["KPI", "Grain", "Alert", "Severity", "Periods", "First", "Last"], "lllrrll", rows),
        ]
    return out


def _movers(report: Report) -> list[str]:
    movers = top_movers(report.kpis)
    out = [f"## Top movers vs {baseline_label(report)}", ""]
    if not movers:
        return [*out, "No KPI has a change to compare."]
    rows = [
        [
            line.kpi_name,
            format_value(line.baseline, line.unit),
            format_value(line.actual, line.unit),
            format_rate_change(line.change_rate),
            verdict(line.improved),
        ]
        for line in movers
    ]
    return [*out, *table(["KPI", baseline_label(report), anchor_label(report), "Change", ""], "lrrrl", rows)]


def _scorecard(report: Report) -> list[str]:
    out = ["## Scorecard by pillar"]
    for pillar, lines in by_pillar(report.kpis):
        rows = [
            [
                line.kpi_name,
                format_value(line.actual, line.unit),
                _change(line),
                format_target(line.target, line.unit),
                met_mark(line.target_met),
                status_emoji(line.status),
                line.owner,
            ]
            for line in lines
        ]
        out += ["", f"### {pillar_label(pillar)}", ""]
        out += table(["KPI", "Value", "Change", "Target", "Met", "Status", "Owner"], "lrrrcll", rows)
    return out


def render_markdown(report: Report) -> str:
    counts, tail = overall(report)
    health = " · ".join(f"{STATUS_EMOJI[status]} {count} {status}" for status, count in counts)
    legend = " · ".join(f"{status_emoji(status)}: {meaning}" for status, meaning in LEGEND)
    sections = [
        [f"# {title(report)}", "", period_line(report), "", f"**Overall: {health} {tail}.**"],
        _key_metrics(report),
        _operational(report),
        _alerts(report),
        _movers(report),
        _scorecard(report),
        ["---", "", f"Status {legend}.", "", CHANGE_NOTE],
    ]
    return "\n\n".join("\n".join(section) for section in sections if section) + "\n"
