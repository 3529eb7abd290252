"""The one status vocabulary of every surface (terminal scorecard, Markdown/HTML reports,
dashboards, alerts): the values of marts.kpi_scorecard.status (macro kpi_status), their words,
their colours and how they are counted, so every surface says the same thing about a KPI.

- off target: beyond the critical threshold (red)
- at risk: misses the target or beyond the warning threshold (yellow)
- on target: meets the target (green)
- beating target: beats the target by its margin (blue)
- no target: the catalog sets none; tracked for its trend and expected range (grey)
- provisional: the period is not final yet (in progress, cohort not mature) (grey)
- no data: the source has no value for the period: never zero, never "target met" (grey)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

# display order: worst first
STATUSES = ("off_target", "at_risk", "on_target", "beating_target", "untargeted", "provisional", "no_data")
JUDGED = ("off_target", "at_risk", "on_target", "beating_target")  # has a target and a final value
MET = ("on_target", "beating_target")

LABELS = {
    "off_target": "off target",
    "at_risk": "at risk",
    "on_target": "on target",
    "beating_target": "beating target",
    "untargeted": "no target",
    "provisional": "provisional",
    "no_data": "no data",
}
MEANINGS = {
    "off_target": "beyond the critical threshold",
    "at_risk": "misses the target or beyond the warning threshold",
    "on_target": "meets the target",
    "beating_target": "beats the target by its margin: an opportunity",
    "untargeted": "no target set: tracked for its trend and expected range",
    "provisional": "period not final yet (in progress or cohort still maturing): not scored",
    "no_data": "no data in the source for the period",
}
COLORS = {
    "off_target": "red",
    "at_risk": "yellow",
    "on_target": "green",
    "beating_target": "blue",
    "untargeted": "grey",
    "provisional": "grey",
    "no_data": "grey",
}
EMOJI = {"red": "🔴", "yellow": "🟡", "green": "🟢", "blue": "🔵", "grey": "⚪"}
MARKS = {
    "off_target": "[OFF]",
    "at_risk": "[RISK]",
    "on_target": "[ON]",
    "beating_target": "[BEAT]",
    "untargeted": "[--]",
    "provisional": "[PROV]",
    "no_data": "[N/A]",
}


def normalize(status: str | None) -> str:
    """A scorecard status; a missing one (no scorecard row) reads as no data."""
    return status if status in LABELS else "no_data"


def label(status: str | None) -> str:
    return LABELS[normalize(status)]


def color(status: str | None) -> str:
    return COLORS[normalize(status)]


def emoji(status: str | None) -> str:
    return EMOJI[color(status)]


def mark(status: str | None) -> str:
    return MARKS[normalize(status)]


def is_met(status: str | None) -> bool | None:
    """True on or beating the target, False at risk or off target, None without a judged value."""
    status = normalize(status)
    return None if status not in JUDGED else status in MET


def counts(statuses: Iterable[str | None]) -> list[tuple[str, int]]:
    """(status, KPIs) in display order, statuses with no KPI left out."""
    tally = Counter(normalize(status) for status in statuses)
    return [(status, tally[status]) for status in STATUSES if tally[status]]


def targets_met(statuses: Iterable[str | None]) -> tuple[int, int]:
    """(KPIs on or beating their target, KPIs with a target and a final value)."""
    judged = [is_met(status) for status in statuses]
    judged = [met for met in judged if met is not None]
    return sum(judged), len(judged)


def summary(statuses: Iterable[str | None]) -> str:
    """'30 KPIs: 3 off target, 8 at risk, ...; 12 of 22 targets met': the sentence every surface
    prints, so the counts are identical everywhere."""
    statuses = list(statuses)
    parts = ", ".join(f"{count} {LABELS[status]}" for status, count in counts(statuses))
    met, judged = targets_met(statuses)
    targets = f"{met} of {judged} targets met" if judged else "no target to meet"
    return f"{len(statuses)} KPIs: {parts}; {targets}"
