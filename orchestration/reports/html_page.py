"""The executive summary as one self-contained HTML page: inline CSS and inline SVG trend charts,
no script and no external resource, so it opens the same from a mail attachment or a file share.
A quarter leads with cards of its quarterly KPIs (trend over eight quarters), then the monthly KPIs
of its last month."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from orchestration.reports import status as vocabulary
from orchestration.reports.charts import line_chart
from orchestration.reports.drivers import driver_text, headline_text
from orchestration.reports.formatting import (
    format_band,
    format_change,
    format_interim,
    format_progress,
    format_rate_change,
    format_target,
    format_value,
    met_mark,
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

STYLE = """
:root { --red: #cf222e; --yellow: #bf8700; --green: #1a7f37; --blue: #0969da; --grey: #57606a;
        --line: #d0d7de; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: #1f2328;
       font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 40px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.period { color: var(--grey); margin: 0 0 10px; max-width: 900px; }
.overall { font-size: 15px; margin: 0; }
.pill { display: inline-block; padding: 1px 9px; border-radius: 10px; color: #fff; font-size: 12px;
        font-weight: 600; white-space: nowrap; }
.status-red { background: var(--red); } .status-yellow { background: var(--yellow); }
.status-green { background: var(--green); } .status-blue { background: var(--blue); }
.status-none, .status-grey { background: #8c959f; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 14px; }
.card { background: #fff; border: 1px solid var(--line); border-left: 5px solid #8c959f;
        border-radius: 6px; padding: 12px 14px 8px; }
.card.red { border-left-color: var(--red); } .card.yellow { border-left-color: var(--yellow); }
.card.green { border-left-color: var(--green); } .card.blue { border-left-color: var(--blue); }
.card.grey { border-left-color: #8c959f; }
.card-head { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; }
.card h3 { margin: 0; }
.value { font-size: 26px; font-weight: 600; margin: 4px 0 0; }
.facts { margin: 2px 0 6px; color: var(--grey); }
.better { color: var(--green); } .worse { color: var(--red); }
.met { color: var(--green); font-weight: 600; } .missed { color: var(--red); font-weight: 600; }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: #eef1f4; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.mark, th.mark { text-align: center; }
#scorecard table { table-layout: fixed; }
/* fixed columns sized for their content; a long benchmark band or interim target wraps inside its
   cell, never over the next */
#scorecard th:nth-child(1) { width: 17%; } #scorecard th:nth-child(2) { width: 8%; }
#scorecard th:nth-child(3) { width: 9%; } #scorecard th:nth-child(4) { width: 8%; }
#scorecard th:nth-child(5) { width: 5%; } #scorecard th:nth-child(6) { width: 12%; }
#scorecard th:nth-child(7) { width: 13%; } #scorecard th:nth-child(8) { width: 12%; }
#scorecard th:nth-child(9) { width: 7%; } #scorecard th:nth-child(10) { width: 9%; }
#scorecard th, #scorecard td.num { white-space: normal; }
#scorecard td { overflow-wrap: anywhere; }
.trend-chart { display: block; }
.trend-chart .trend-line { fill: none; stroke: var(--blue); stroke-width: 2; stroke-linejoin: round; }
.trend-chart .trend-point, .trend-chart .latest-point { fill: var(--blue); }
.trend-chart .target-line { stroke: #8c959f; stroke-width: 1; stroke-dasharray: 4 3; }
.trend-chart .axis { stroke: var(--line); }
.trend-chart text { font-size: 10px; fill: var(--grey); }
footer { margin-top: 28px; color: var(--grey); font-size: 12px; }
footer p { margin: 4px 0; }
"""


def _status_pill(status: str | None) -> str:
    return f'<span class="pill status-{vocabulary.color(status)}">{escape(vocabulary.label(status))}</span>'


def _met(met: bool | None) -> str:
    if met is None:
        return escape(met_mark(met))
    return f'<span class="{"met" if met else "missed"}">{met_mark(met)}</span>'


def _change(line: KpiLine) -> str:
    text = escape(format_change(line.unit, line.change_value, line.change_rate, line.trend))
    css = verdict(line.improved)
    return f'<span class="{css}">{text}</span>' if css else text


def _table(header: Sequence[str], numeric: str, rows: Sequence[Sequence[str]]) -> str:
    """A table of already-escaped cells; `numeric` has one letter per column: n (right-aligned
    number), m (centred mark) or l (text)."""
    css = {"n": ' class="num"', "m": ' class="mark"', "l": ""}
    head = "".join(f"<th{css[kind]}>{cell}</th>" for cell, kind in zip(header, numeric, strict=True))
    body = "".join(
        "<tr>" + "".join(f"<td{css[kind]}>{cell}</td>" for cell, kind in zip(row, numeric, strict=True)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _card(line: KpiLine, points: tuple[TrendPoint, ...], grain: Cadence, shown: str, compared: str) -> str:
    """A headline KPI's card: value, change vs `compared`, target, owner and its trend chart of
    `grain`'s periods up to `shown`."""
    chart = line_chart(
        line.kpi_id,
        f"{line.display_name}: trend to {shown}",
        [short_label(grain, point.period_start) for point in points],
        [point.value for point in points],
        line.target,
        line.unit,
    )
    return (
        f'<article class="card {vocabulary.color(line.status)}" data-kpi="{escape(line.kpi_id)}">'
        f'<div class="card-head"><h3>{escape(line.display_name)}</h3>{_status_pill(line.status)}</div>'
        f'<p class="value">{escape(format_value(line.actual, line.unit))}</p>'
        f'<p class="facts">{_comparison(line, compared)} · {_target(line)} · {escape(line.owner)}</p>'
        f"{chart}</article>"
    )


def _comparison(line: KpiLine, compared: str) -> str:
    if line.change_value is None:
        return f"no {escape(compared)} value to compare"
    return f"{_change(line)} vs {escape(compared)}"


def _target(line: KpiLine) -> str:
    if line.target is None:
        return "no target"
    text = f"target {escape(format_value(line.target, line.unit))}"
    return text if line.target_met is None else f"{text} {_met(line.target_met)}"


def _own_kpis(report: Report) -> str:
    """Cards of the KPIs of the whole period (a quarter's quarterly KPIs), which lead the report."""
    if not report.has_own_grain:
        return ""
    heading = f"<h2>{escape(own_heading(report))}</h2>"
    if not report.period_kpis:
        return f'<section id="period-kpis">{heading}<p>{escape(no_own_kpis(report))}</p></section>'
    shown, compared = period_label_of(report), previous_label(report)
    cards = "".join(
        _card(line, report.period_trends.get(line.kpi_id, ()), report.cadence, shown, compared)
        for line in report.period_kpis
    )
    return f'<section id="period-kpis">{heading}<div class="cards">{cards}</div></section>'


def _key_metrics(report: Report) -> str:
    heading = f"<h2>{escape(anchor_heading(report, 'Key metrics'))}</h2>"
    lead = headline(report.kpis)
    if not lead:
        empty = f"No {report.cadence.grain} KPI in the scorecard for {anchor_label(report)}."
        return f'<section id="key-metrics">{heading}<p>{escape(empty)}</p></section>'
    grain, shown, compared = grain_cadence(report.cadence), anchor_label(report), baseline_label(report)
    cards = "".join(_card(line, report.trends.get(line.kpi_id, ()), grain, shown, compared) for line in lead)
    return f'<section id="key-metrics">{heading}<div class="cards">{cards}</div></section>'


def _operational(report: Report) -> str:
    lines = operational(report.kpis)
    if not lines:
        return ""
    heading = escape(anchor_heading(report, "Operational performance"))
    return f'<section id="operational"><h2>{heading}</h2>{_kpi_table(lines)}</section>'


def _kpi_table(lines: tuple[KpiLine, ...], plan: bool = False) -> str:
    """KPI, value, change, target, met, status, owner: the operational and scorecard tables; with
    `plan` (the scorecard) also the benchmark band, the interim target in force and the progress
    to the yearly target, before the owner."""
    header = ["KPI", "Value", "Change", "Target", "Met", "Status"]
    kinds = "lnnnml"
    if plan:
        header += ["Benchmark", "Interim target", "Progress"]
        kinds += "nnn"
    rows = [
        [
            escape(line.display_name),
            escape(format_value(line.actual, line.unit)),
            _change(line),
            escape(format_target(line.target, line.unit)),
            _met(line.target_met),
            _status_pill(line.status),
            *(_plan_cells(line) if plan else []),
            escape(line.owner),
        ]
        for line in lines
    ]
    return _table([*header, "Owner"], kinds + "l", rows)


def _plan_cells(line: KpiLine) -> list[str]:
    """The benchmark band (with the value's position), the interim target in force (met or
    missed) and the progress from the baseline to the yearly target."""
    band = escape(format_band(line.benchmark_low, line.benchmark_high, line.unit, line.benchmark_position))
    interim = escape(format_interim(line.interim_days, line.interim_target, line.unit))
    if line.interim_met is not None:
        interim = f"{interim} {_met(line.interim_met)}"
    return [band, interim, escape(format_progress(line.progress))]


def _alert_table(alerts: tuple[Alert, ...], period: str) -> str:
    if not alerts:
        return f"<p>No alert for {escape(period)}.</p>"
    rows = [[_severity(alert.severity), escape(alert.kpi_name), escape(alert.message)] for alert in alerts]
    return _table(["Severity", "KPI", "Alert"], "lll", rows)


def _alerts(report: Report) -> str:
    parts = ['<section id="alerts"><h2>Active alerts</h2>']
    if report.has_own_grain:
        parts.append(f"<h3>{escape(alerts_heading(report, own=True))}</h3>")
        parts.append(_alert_table(report.period_alerts, period_label_of(report)))
        parts.append(f"<h3>{escape(alerts_heading(report, own=False))}</h3>")
    parts.append(_alert_table(report.alerts, anchor_label(report)))
    if report.other_alerts:
        rows = [
            [
                escape(tally.kpi_name),
                escape(tally.frequency),
                escape(tally.alert_type.replace("_", " ")),
                _severity(tally.severity),
                str(tally.count),
                tally.first.isoformat(),
                tally.last.isoformat(),
            ]
            for tally in report.other_alerts
        ]
        intro = other_alerts_heading(report) if report.has_own_grain else other_alerts_intro(report)
        parts.append(f"<h3>{escape(intro)}</h3>")
        parts.append(_table(["KPI", "Grain", "Alert", "Severity", "Periods", "First", "Last"], "lllllll", rows))
    return "".join(parts) + "</section>"


def _why_red(report: Report) -> str:
    """'Why is it red': each red KPI (off target, at risk or alerted), its top drivers."""
    if not report.explanations:
        return ""
    items = []
    for explanation in report.explanations:
        line = explanation.line
        alerted = " · alerted" if explanation.alerted else ""
        drivers = "".join(f"<li>{escape(driver_text(driver, line.unit, explanation.basis, explanation.period))}</li>"
                          for driver in explanation.drivers)
        items.append(
            f"<li><strong>{escape(line.display_name)}</strong> {_status_pill(line.status)}{escape(alerted)}: "
            f"{escape(headline_text(explanation, baseline_label(report)))}"
            + (f"<ul>{drivers}</ul>" if drivers else "") + "</li>"
        )
    heading = escape(anchor_heading(report, "Why is it red"))
    return f'<section id="why-red"><h2>{heading}</h2><ul>{"".join(items)}</ul></section>'


def _severity(severity: str) -> str:
    status = {"critical": "red", "warning": "yellow", "info": "blue"}.get(severity, "none")
    return f'<span class="pill status-{status}">{escape(severity)}</span>'


def _movers(report: Report) -> str:
    movers = top_movers(report.all_kpis)
    heading = f"<h2>{escape(movers_heading(report))}</h2>"
    if not movers:
        return f'<section id="movers">{heading}<p>No KPI has a change to compare.</p></section>'
    rows = [
        [
            escape(line.display_name),
            escape(format_value(line.baseline, line.unit)),
            escape(format_value(line.actual, line.unit)),
            f'<span class="{verdict(line.improved)}">{escape(format_rate_change(line.change_rate))}</span>',
            escape(verdict(line.improved)),
        ]
        for line in movers
    ]
    if not report.has_own_grain:
        header = ["KPI", escape(baseline_label(report)), escape(anchor_label(report)), "Change", ""]
        return f'<section id="movers">{heading}{_table(header, "lnnnl", rows)}</section>'
    for row, line in zip(rows, movers, strict=True):
        row.insert(1, escape(" → ".join(mover_periods(report, line.frequency))))
    header = ["KPI", "Periods", "Before", "Now", "Change", ""]
    intro = f"<p>{escape(movers_intro(report))}</p>"
    return f'<section id="movers">{heading}{intro}{_table(header, "llnnnl", rows)}</section>'


def _scorecard(report: Report) -> str:
    parts = [f'<section id="scorecard"><h2>{escape(anchor_heading(report, "Scorecard by pillar"))}</h2>']
    for pillar, lines in by_pillar(report.kpis):
        parts.append(f"<h3>{escape(pillar_label(pillar))}</h3>")
        parts.append(_kpi_table(lines, plan=True))
    return "".join(parts) + "</section>"


def _no_data(report: Report) -> str:
    missing = without_data(report.all_kpis)
    if not missing:
        return ""
    items = "".join(
        f"<li><strong>{escape(line.display_name)}</strong>: {escape(reason)}</li>" for line, reason in missing
    )
    return f'<section id="no-data"><h2>No data</h2><ul>{items}</ul></section>'


def render_html(report: Report) -> str:
    counts, tail = overall(report)
    health = " ".join(
        f'<span class="pill status-{vocabulary.color(status)}">{count} {escape(vocabulary.label(status))}</span>'
        for status, count in counts
    )
    legend = " ".join(f"{_status_pill(status)} {escape(meaning)}" for status, meaning in LEGEND)
    body = "".join(
        [
            f"<header><h1>{escape(title(report))}</h1>",
            f'<p class="period">{escape(period_line(report))}</p>',
            f'<p class="overall">Overall: {health} {escape(tail)}</p></header>',
            _own_kpis(report),
            _key_metrics(report),
            _operational(report),
            _alerts(report),
            _why_red(report),
            _movers(report),
            _scorecard(report),
            _no_data(report),
            f"<footer><p>Status: {legend}</p><p>{escape(CHANGE_NOTE)}</p><p>{escape(PLAN_NOTE)}</p></footer>",
        ]
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title(report))}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body><main>\n{body}\n</main></body>\n</html>\n"
    )
