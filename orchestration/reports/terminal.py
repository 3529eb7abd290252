"""The scorecard as an aligned terminal table grouped by pillar, readable at a glance: status in
colour where the terminal shows it, as [OFF] [RISK] [ON] [BEAT] marks where it does not (a pipe, a log
file, NO_COLOR). A quarter lists its quarterly KPIs first, then the monthly KPIs of its last month
by pillar, each group titled with what its change compares."""

from __future__ import annotations

import os
from typing import TextIO

from orchestration.reports import status as vocabulary
from orchestration.reports.formatting import format_change, format_target, format_value, met_mark, status_mark
from orchestration.reports.model import Report, by_pillar, pillar_label, without_data
from orchestration.reports.wording import (
    anchor_label,
    baseline_label,
    overall,
    own_heading,
    period_label_of,
    previous_label,
    scorecard_title,
)

ANSI = {"red": "31", "yellow": "33", "green": "32", "blue": "34", "grey": "90"}
BOLD = "1"


def use_color(stream: TextIO) -> bool:
    """Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _paint(text: str, code: str | None, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color and code else text


def _status(status: str | None, color: bool) -> str:
    """The status cell: "● at risk" in colour, else the mark "[RISK]"; padded to its mode's width
    so the columns align either way (escape codes take no room on screen)."""
    if color:
        return _paint(f"● {vocabulary.label(status):<14}", ANSI[vocabulary.color(status)], color)
    return f"{status_mark(status):<{_status_width(color)}}"


def _status_width(color: bool) -> int:
    return len("● beating target") if color else max(len(m) for m in vocabulary.MARKS.values())


def render_scorecard(report: Report, color: bool = False) -> str:
    counts, tail = overall(report)
    health = " · ".join(
        _paint(f"{count} {vocabulary.label(status)}", ANSI[vocabulary.color(status)], color) for status, count in counts
    )
    own = report.has_own_grain
    header = ["KPI", "Value", "Change" if own else f"vs {baseline_label(report)}", "Target", "Met", "Owner"]
    cells = {
        line.kpi_id: [
            line.display_name,
            format_value(line.actual, line.unit),
            format_change(line.unit, line.change_value, line.change_rate, line.trend),
            format_target(line.target, line.unit),
            met_mark(line.target_met),
            line.owner,
        ]
        for line in report.all_kpis
    }
    widths = [max(len(row[i]) for row in [header, *cells.values()]) for i in range(len(header))]
    right = (False, True, True, True, False, False)

    def row(status_cell: str, values: list[str]) -> str:
        aligned = [value.rjust(w) if r else value.ljust(w) for value, w, r in zip(values, widths, right, strict=True)]
        return f"  {status_cell} " + "  ".join(aligned).rstrip()

    out = [
        _paint(scorecard_title(report), BOLD, color),
        f"{health} {tail}",
        "",
        row(" " * _status_width(color), header),
    ]
    if own:
        out.append(_paint(f"{own_heading(report)}, vs {previous_label(report)}", BOLD, color))
        out += [row(_status(line.status, color), cells[line.kpi_id]) for line in report.period_kpis]
        if not report.period_kpis:
            out.append(f"  (none in the scorecard for {period_label_of(report)})")
        grain = report.cadence.grain.capitalize()
        out.append(_paint(f"{grain} KPIs: {anchor_label(report)}, vs {baseline_label(report)}", BOLD, color))
    for pillar, lines in by_pillar(report.kpis):
        out.append(_paint(pillar_label(pillar), BOLD, color))
        out += [row(_status(line.status, color), cells[line.kpi_id]) for line in lines]
    missing = without_data(report.all_kpis)
    if missing:
        out.append(_paint("No data", BOLD, color))
        out += [f"  {line.display_name}: {reason}" for line, reason in missing]
    return "\n".join(out)
