"""The executive summary as Markdown, laid out like the reference's sample executive summary:
key metrics with value, change vs baseline, target and a met/missed mark; operational KPIs; active
alerts; top movers; then the whole scorecard by pillar. A quarter leads with its quarterly KPIs
(against the previous quarter), then the same sections for the monthly KPIs of its last month."""

from __future__ import annotations

from collections.abc import Sequence

from orchestration.reports import status as vocabulary
from orchestration.reports.charts import sparkline
from orchestration.reports.drivers import driver_text, headline_text
from orchestration.reports.formatting import (
    SEVERITY_EMOJI,
    format_band,
    format_change,
    format_interim,
    format_progress,
    format_rate_change,
    format_target,
    format_value,
    met_mark,
    status_emoji,
    verdict,
)
from orchestration.reports.model import (
    Alert,
    KpiLine,
    Report,
    TrendPoint,
    by_pillar,
    headline,
    operational,
    pillar_label,
    top_movers,
    without_data,
)
from orchestration.reports.periods import Cadence, grain_cadence, short_label
from orchestration.reports.wording import (
    CHANGE_NOTE,
    LEGEND,
    PLAN_NOTE,
    alerts_heading,
    anchor_heading,
    anchor_label,
    baseline_label,
    mover_periods,
    movers_heading,
    movers_intro,
    no_own_kpis,
    other_alerts_heading,
    other_alerts_intro,
    overall,
    own_heading,
    period_label_of,
    period_line,
    previous_label,
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


def _trend(points: tuple[TrendPoint, ...], grain: Cadence) -> str:
    """A sparkline of the points and the periods it spans, labelled as `grain`'s periods."""
    if all(point.value is None for point in points):
        return "–"
    span = " – ".join(dict.fromkeys(short_label(grain, point.period_start) for point in (points[0], points[-1])))
    return f"`{sparkline([point.value for point in points])}` {span}"


def _headline_table(
    lines: tuple[KpiLine, ...], trends: dict[str, tuple[TrendPoint, ...]], grain: Cadence, compared: str
) -> list[str]:
    rows = [
        [
            line.display_name,
            format_value(line.actual, line.unit),
            _change(line),
            format_target(line.target, line.unit),
            met_mark(line.target_met),
            status_emoji(line.status),
            _trend(trends.get(line.kpi_id, ()), grain),
        ]
        for line in lines
    ]
    header = ["KPI", "Value", f"vs {compared}", "Target", "Met", "Status", "Trend"]
    return table(header, "lrrrcll", rows)


def _own_kpis(report: Report) -> list[str]:
    """The KPIs of the whole period (a quarter's quarterly KPIs), which lead the report."""
    if not report.has_own_grain:
        return []
    out = [f"## {own_heading(report)}", ""]
    if not report.period_kpis:
        return [*out, no_own_kpis(report)]
    return [*out, *_headline_table(report.period_kpis, report.period_trends, report.cadence, previous_label(report))]


def _key_metrics(report: Report) -> list[str]:
    out = [f"## {anchor_heading(report, 'Key metrics')}", ""]
    lead = headline(report.kpis)
    if not lead:
        return [*out, f"No {report.cadence.grain} KPI in the scorecard for {anchor_label(report)}."]
    grain = grain_cadence(report.cadence)
    return [*out, *_headline_table(lead, report.trends, grain, baseline_label(report))]


def _operational(report: Report) -> list[str]:
    lines = operational(report.kpis)
    if not lines:
        return []
    rows = [
        [
            line.display_name,
            format_value(line.actual, line.unit),
            format_target(line.target, line.unit),
            met_mark(line.target_met),
            status_emoji(line.status),
        ]
        for line in lines
    ]
    heading = anchor_heading(report, "Operational performance")
    return [f"## {heading}", "", *table(["KPI", "Value", "Target", "Met", "Status"], "lrrcl", rows)]


def _alert_table(alerts: tuple[Alert, ...], period: str) -> list[str]:
    if not alerts:
        return [f"No alert for {period}."]
    rows = [[f"{SEVERITY_EMOJI.get(a.severity, '')} {a.severity}", a.kpi_name, a.message] for a in alerts]
    return table(["Severity", "KPI", "Alert"], "lll", rows)


def _alerts(report: Report) -> list[str]:
    out = ["## Active alerts", ""]
    if report.has_own_grain:
        own_alerts = _alert_table(report.period_alerts, period_label_of(report))
        out += [f"### {alerts_heading(report, own=True)}", "", *own_alerts]
        out += ["", f"### {alerts_heading(report, own=False)}", ""]
    out += _alert_table(report.alerts, anchor_label(report))
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
            f"### {other_alerts_heading(report)}" if report.has_own_grain else other_alerts_intro(report),
            "",
            *table(["KPI", "Grain", "Alert", "Severity", "Periods", "First", "Last"], "lllrrll", rows),
        ]
    return out


def _why_red(report: Report) -> list[str]:
    """'Why is it red': each red KPI (off target, at risk or alerted), its top drivers."""
    if not report.explanations:
        return []
    out = [f"## {anchor_heading(report, 'Why is it red')}", ""]
    for explanation in report.explanations:
        line = explanation.line
        alerted = " · alerted" if explanation.alerted else ""
        out.append(f"- **{line.display_name}** ({status_emoji(line.status)}{alerted}): "
                   f"{headline_text(explanation, baseline_label(report))}")
        out += [
            f"  - {driver_text(driver, line.unit, explanation.basis, explanation.period)}"
            for driver in explanation.drivers
        ]
    return out


def _movers(report: Report) -> list[str]:
    movers = top_movers(report.all_kpis)
    out = [f"## {movers_heading(report)}", ""]
    if not movers:
        return [*out, "No KPI has a change to compare."]
    rows = [
        [
            line.display_name,
            format_value(line.baseline, line.unit),
            format_value(line.actual, line.unit),
            format_rate_change(line.change_rate),
            verdict(line.improved),
        ]
        for line in movers
    ]
    if not report.has_own_grain:
        return [*out, *table(["KPI", baseline_label(report), anchor_label(report), "Change", ""], "lrrrl", rows)]
    for row, line in zip(rows, movers, strict=True):
        row.insert(1, " → ".join(mover_periods(report, line.frequency)))
    header = ["KPI", "Periods", "Before", "Now", "Change", ""]
    return [*out, movers_intro(report), "", *table(header, "llrrrl", rows)]


def _scorecard(report: Report) -> list[str]:
    out = [f"## {anchor_heading(report, 'Scorecard by pillar')}"]
    for pillar, lines in by_pillar(report.kpis):
        rows = [
            [
                line.display_name,
                format_value(line.actual, line.unit),
                _change(line),
                format_target(line.target, line.unit),
                met_mark(line.target_met),
                status_emoji(line.status),
                format_band(line.benchmark_low, line.benchmark_high, line.unit, line.benchmark_position),
                format_interim(line.interim_days, line.interim_target, line.unit, line.interim_met),
                format_progress(line.progress),
                line.owner,
            ]
            for line in lines
        ]
        out += ["", f"### {pillar_label(pillar)}", ""]
        header = [
            "KPI",
            "Value",
            "Change",
            "Target",
            "Met",
            "Status",
            "Benchmark",
            "Interim target",
            "Progress",
            "Owner",
        ]
        out += table(header, "lrrrclrrrl", rows)
    return out


def _no_data(report: Report) -> list[str]:
    missing = without_data(report.all_kpis)
    if not missing:
        return []
    return ["## No data", "", *(f"- {line.display_name}: {reason}" for line, reason in missing)]


def render_markdown(report: Report) -> str:
    counts, tail = overall(report)
    health = " · ".join(f"{vocabulary.emoji(status)} {count} {vocabulary.label(status)}" for status, count in counts)
    legend = " · ".join(f"{status_emoji(status)}: {meaning}" for status, meaning in LEGEND)
    sections = [
        [f"# {title(report)}", "", period_line(report), "", f"**Overall: {health} {tail}.**"],
        _own_kpis(report),
        _key_metrics(report),
        _operational(report),
        _alerts(report),
        _why_red(report),
        _movers(report),
        _scorecard(report),
        _no_data(report),
        ["---", "", f"Status {legend}.", "", CHANGE_NOTE, "", PLAN_NOTE],
    ]
    return "\n\n".join("\n".join(section) for section in sections if section) + "\n"
