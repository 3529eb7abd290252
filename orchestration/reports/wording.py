"""The sentences every rendering of a report shares (Markdown, HTML, terminal), so they agree."""

from __future__ import annotations

from orchestration.reports.model import Report, status_counts, targets_met
from orchestration.reports.periods import grain_cadence, period_label

SOURCES = "marts.kpi_scorecard and marts.kpi_alerts"

LEGEND = (
    ("red", "beyond the critical threshold"),
    ("yellow", "beyond the warning threshold"),
    ("green", "within the thresholds"),
    ("blue", "beats the target by its margin: an opportunity"),
)

CHANGE_NOTE = (
    "Changes: rates in percentage points (pp), scores in points (pts), other KPIs relative. "
    "Met: ✓ target reached, ✗ missed, – no target."
)


def title(report: Report) -> str:
    return f"{report.cadence.adjective} KPI summary: {period_label(report.cadence, report.period_start)}"


def period_line(report: Report) -> str:
    """What the figures are: the period, the comparison and where they come from. The as-of is the
    period's end, not the time of generation, so the text is the same whenever it is generated."""
    span = report.period_start.isoformat()
    if report.period_end != report.period_start:
        span += f" to {report.period_end.isoformat()}"
    line = (
        f"Period {span}, compared with {baseline_label(report)}. Figures as of the period end, "
        f"from {SOURCES} (complete periods only)."
    )
    if report.anchor != report.period_start:
        line += (
            f" A quarter shows the monthly KPIs of its last month, {anchor_label(report)}, against the "
            f"previous quarter's last month, {baseline_label(report)}."
        )
    return line


def anchor_label(report: Report) -> str:
    return period_label(grain_cadence(report.cadence), report.anchor)


def baseline_label(report: Report) -> str:
    return period_label(grain_cadence(report.cadence), report.baseline)


def overall(report: Report) -> tuple[list[tuple[str, int]], str]:
    """(status counts, 'of 30 KPIs; 14 of 22 targets met')."""
    met, judged = targets_met(report.kpis)
    targets = f"{met} of {judged} targets met" if judged else "no target to meet"
    return status_counts(report.kpis), f"of {len(report.kpis)} KPIs; {targets}"


def scorecard_title(report: Report) -> str:
    """The terminal table's title: the period, and for a quarter the month whose figures it shows."""
    text = f"{report.cadence.adjective} KPI scorecard: {period_label(report.cadence, report.period_start)}"
    return text if report.anchor == report.period_start else f"{text} (figures of {anchor_label(report)})"


def other_alerts_intro(report: Report) -> str:
    """Introduces the alerts of the scorecard periods inside the report's (days, weeks, months)."""
    present = {tally.frequency for tally in report.other_alerts}
    grains = [grain for grain in ("daily", "weekly", "monthly") if grain in present]
    kinds = " and ".join(filter(None, [", ".join(grains[:-1]), grains[-1]])) if grains else ""
    return f"Also during {period_label(report.cadence, report.period_start)}, alerts of {kinds} KPIs:"
