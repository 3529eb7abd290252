"""The sentences every rendering of a report shares (Markdown, HTML, terminal), so they agree."""

from __future__ import annotations

from orchestration.reports import status as vocabulary
from orchestration.reports.model import Report, status_counts, targets_met
from orchestration.reports.periods import grain_cadence, period_label, previous

SOURCES = "marts.kpi_scorecard and marts.kpi_alerts"

# The shared status vocabulary (orchestration.reports.status), worst first.
LEGEND = tuple((status, vocabulary.MEANINGS[status]) for status in vocabulary.STATUSES)

CHANGE_NOTE = (
    "Changes: rates in percentage points (pp), scores in points (pts), other KPIs relative. "
    "Met: ✓ target reached, ✗ missed, – no target."
)

PLAN_NOTE = (
    "Benchmark: the industry range of the reference documents (seeds/kpi_template.csv) and whether "
    "the value is below, within or above it; – the references give none. Interim target: the "
    "target in force 30, 90 or 365 days (d) into the KPI's yearly plan, ✓ met or ✗ missed. "
    "Progress: how far the KPI has come from its baseline (the mean of its final values in the "
    "months before the plan starts) to the yearly target: 0% at the baseline, 100% at the target."
)


def title(report: Report) -> str:
    return f"{report.cadence.adjective} KPI summary: {period_label(report.cadence, report.period_start)}"


HISTORICAL_LABEL = "historical export, timeliness not applicable"


def period_line(report: Report) -> str:
    """What the figures are: the period, the comparison and where they come from. The as-of is the
    period's end, not the time of generation, so the text is the same whenever it is generated."""
    span = report.period_start.isoformat()
    if report.period_end != report.period_start:
        span += f" to {report.period_end.isoformat()}"
    compared = previous_label(report) if report.has_own_grain else baseline_label(report)
    line = (
        f"Period {span}, compared with {compared}. Figures as of the period end, "
        f"from {SOURCES} (complete periods only)."
    )
    if report.has_own_grain:
        line += (
            f" A quarter shows its {report.cadence.own_grain} KPIs against the previous quarter, "
            f"{previous_label(report)}, then the monthly KPIs of its last month, {anchor_label(report)}, against "
            f"the previous quarter's last month, {baseline_label(report)}."
        )
    if report.historical:
        line += f" The data is a {HISTORICAL_LABEL} (declared with --historical)."
    return line


def period_label_of(report: Report) -> str:
    """The report's own period: Q3 2026."""
    return period_label(report.cadence, report.period_start)


def previous_label(report: Report) -> str:
    """The period the own-grain KPIs compare with: Q2 2026."""
    return period_label(report.cadence, previous(report.cadence, report.period_start))


def anchor_label(report: Report) -> str:
    return period_label(grain_cadence(report.cadence), report.anchor)


def baseline_label(report: Report) -> str:
    return period_label(grain_cadence(report.cadence), report.baseline)


def own_heading(report: Report) -> str:
    """The heading of the own-grain KPIs that lead the report: Quarterly KPIs: Q3 2026."""
    return f"{(report.cadence.own_grain or '').capitalize()} KPIs: {period_label_of(report)}"


def no_own_kpis(report: Report) -> str:
    return f"No {report.cadence.own_grain} KPI in the scorecard for {period_label_of(report)}."


def anchor_heading(report: Report, heading: str) -> str:
    """A heading of the anchor's KPIs: as is, or in a report led by its own-grain KPIs labelled with
    the anchor: Key metrics: September 2026 (monthly KPIs)."""
    if not report.has_own_grain:
        return heading
    return f"{heading}: {anchor_label(report)} ({report.cadence.grain} KPIs)"


def alerts_heading(report: Report, own: bool) -> str:
    """Subheading of the alerts listed in full, in a report with an own grain: Q3 2026 (quarterly
    KPIs), September 2026 (monthly KPIs)."""
    if own:
        return f"{period_label_of(report)} ({report.cadence.own_grain} KPIs)"
    return f"{anchor_label(report)} ({report.cadence.grain} KPIs)"


def movers_heading(report: Report) -> str:
    if report.has_own_grain:
        return f"Top movers vs the previous {report.cadence.name}"
    return f"Top movers vs {baseline_label(report)}"


def movers_intro(report: Report) -> str:
    """In a report with an own grain, what each mover compares (the KPIs rank together, by their
    relative change)."""
    return (
        f"{(report.cadence.own_grain or '').capitalize()} KPIs of {period_label_of(report)} vs "
        f"{previous_label(report)} and {report.cadence.grain} KPIs of {anchor_label(report)} vs "
        f"{baseline_label(report)}, by relative change:"
    )


def mover_periods(report: Report, frequency: str | None) -> tuple[str, str]:
    """(baseline, shown) labels of a mover of the given scorecard frequency."""
    if report.has_own_grain and frequency == report.cadence.own_grain:
        return previous_label(report), period_label_of(report)
    return baseline_label(report), anchor_label(report)


def overall(report: Report) -> tuple[list[tuple[str, int]], str]:
    """(status counts, 'of 30 KPIs; 14 of 22 targets met'), over every KPI the report shows: with
    an own grain, 'of 33 KPIs (3 quarterly, 30 monthly of September 2026); ...'."""
    kpis = report.all_kpis
    met, judged = targets_met(kpis)
    targets = f"{met} of {judged} targets met" if judged else "no target to meet"
    count = f"{len(kpis)} KPIs"
    if report.has_own_grain:
        count += (
            f" ({len(report.period_kpis)} {report.cadence.own_grain}, "
            f"{len(report.kpis)} {report.cadence.grain} of {anchor_label(report)})"
        )
    return status_counts(kpis), f"of {count}; {targets}"


def scorecard_title(report: Report) -> str:
    """The terminal table's title: the period, for a quarter what it shows, and whether the data
    is a historical export."""
    text = f"{report.cadence.adjective} KPI scorecard: {period_label_of(report)}"
    if report.has_own_grain:
        text += f" ({report.cadence.own_grain} KPIs, and the {report.cadence.grain} KPIs of {anchor_label(report)})"
    if report.historical:
        text += f" [{HISTORICAL_LABEL}]"
    return text


def other_alerts_intro(report: Report) -> str:
    """Introduces the alerts of the scorecard periods inside the report's (days, weeks, months)."""
    present = {tally.frequency for tally in report.other_alerts}
    grains = [grain for grain in ("daily", "weekly", "monthly") if grain in present]
    kinds = " and ".join(filter(None, [", ".join(grains[:-1]), grains[-1]])) if grains else ""
    return f"Also during {period_label_of(report)}, alerts of {kinds} KPIs:"


def other_alerts_heading(report: Report) -> str:
    """other_alerts_intro as the heading of its own subsection (in a report with an own grain)."""
    return other_alerts_intro(report).removesuffix(":")
