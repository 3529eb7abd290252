"""Report cadences and their periods: parsing, labels, file names and calendar arithmetic.

The scorecard has daily, weekly (ISO weeks), monthly and quarterly rows. A report of a cadence
shows the scorecard rows of one of those grains at its *anchor* period: the day, week or month
itself, or for a quarter the quarter's last month (a quarter is reviewed at its end, and most KPIs
are monthly), compared with the *baseline*: the period before (for a quarter, the previous quarter's
last month). A cadence may also have an *own grain*, KPIs measured over the whole period beside the
anchor's: a quarter's quarterly KPIs (period_start = the quarter's first day) lead its report,
compared with the previous quarter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta


class PeriodError(ValueError):
    """A period text that does not name a period of the cadence."""


@dataclass(frozen=True)
class Cadence:
    name: str  # CLI value and folder name: day, week, month, quarter
    grain: str  # kpi_scorecard.frequency of the rows the report shows
    adjective: str  # for titles: "Monthly KPI summary"
    trend_points: int  # scorecard periods in a trend chart, ending at the anchor
    example: str  # a period as the CLI takes it
    # kpi_scorecard.frequency of the KPIs measured over the whole period, when it is not `grain`
    # (a quarter's quarterly KPIs), and the periods in their trend charts, ending at the period
    own_grain: str | None = None
    own_trend_points: int = 0

    @property
    def months(self) -> int:
        """Length in months (0 for day and week, which are counted in days)."""
        return {"month": 1, "quarter": 3}.get(self.name, 0)


CADENCES: dict[str, Cadence] = {
    cadence.name: cadence
    for cadence in (
        Cadence("day", "daily", "Daily", 30, "2026-10-05"),
        Cadence("week", "weekly", "Weekly", 13, "2026-W41"),
        Cadence("month", "monthly", "Monthly", 13, "2026-10"),
        # the quarterly KPIs over eight quarters, and the monthly KPIs of the quarter's last month
        # with eight quarters of monthly points: the quarter's months in the context of two years
        Cadence("quarter", "monthly", "Quarterly", 24, "2026-Q3", own_grain="quarterly", own_trend_points=8),
    )
}


def add_months(day: date, months: int) -> date:
    """The first of the month `months` after day's month (day is a month start in every use)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_start(cadence: Cadence, day: date) -> date:
    """First day of the cadence's period containing `day`."""
    if cadence.name == "day":
        return day
    if cadence.name == "week":
        return day - timedelta(days=day.weekday())
    first_month = (day.month - 1) // cadence.months * cadence.months + 1
    return date(day.year, first_month, 1)


def shift(cadence: Cadence, start: date, periods: int) -> date:
    """Start of the period `periods` after (negative: before) the one starting at `start`."""
    if cadence.name == "day":
        return start + timedelta(days=periods)
    if cadence.name == "week":
        return start + timedelta(weeks=periods)
    return add_months(start, periods * cadence.months)


def period_end(cadence: Cadence, start: date) -> date:
    return shift(cadence, start, 1) - timedelta(days=1)


def grain_cadence(cadence: Cadence) -> Cadence:
    """The cadence of the scorecard rows at the anchor (a quarter's last month: monthly rows)."""
    return CADENCES["month"] if cadence.name == "quarter" else cadence


def anchor(cadence: Cadence, start: date) -> date:
    """The scorecard period the report shows: the period itself, or a quarter's last month."""
    return add_months(start, 2) if cadence.name == "quarter" else start


def baseline(cadence: Cadence, start: date) -> date:
    """The scorecard period the report compares with: the previous period's anchor."""
    return anchor(cadence, shift(cadence, start, -1))


def previous(cadence: Cadence, start: date) -> date:
    """The period the own-grain KPIs compare with: the period before (the previous quarter)."""
    return shift(cadence, start, -1)


def trend_window(cadence: Cadence, start: date) -> list[date]:
    """The scorecard periods of a trend chart, oldest first, ending at the anchor."""
    grain = grain_cadence(cadence)
    last = anchor(cadence, start)
    return [shift(grain, last, offset) for offset in range(1 - cadence.trend_points, 1)]


def own_trend_window(cadence: Cadence, start: date) -> list[date]:
    """The periods of an own-grain KPI's trend chart (quarters), oldest first, ending at the period;
    empty for a cadence without an own grain."""
    if cadence.own_grain is None:
        return []
    return [shift(cadence, start, offset) for offset in range(1 - cadence.own_trend_points, 1)]


# Month names spelled out here, not by strftime, whose %B follows the process locale: a report
# must read the same on every machine.
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def month_name(day: date) -> str:
    return MONTH_NAMES[day.month - 1]


_PATTERNS = {
    "day": re.compile(r"(\d{4})-(\d{2})-(\d{2})"),
    "week": re.compile(r"(\d{4})-W(\d{2})"),
    "month": re.compile(r"(\d{4})-(\d{2})"),
    "quarter": re.compile(r"(\d{4})-Q([1-4])"),
}


def parse_period(cadence: Cadence, text: str) -> date:
    """The start of the period `text` names: its key (2026-10-05, 2026-W41, 2026-10, 2026-Q3) or,
    for any cadence, a date inside it."""
    text = text.strip()
    try:
        own = _PATTERNS[cadence.name].fullmatch(text)
        if own and cadence.name == "week":
            return date.fromisocalendar(int(own[1]), int(own[2]), 1)
        if own and cadence.name == "month":
            return date(int(own[1]), int(own[2]), 1)
        if own and cadence.name == "quarter":
            return date(int(own[1]), int(own[2]) * 3 - 2, 1)
        if _PATTERNS["day"].fullmatch(text):
            return period_start(cadence, date.fromisoformat(text))
    except ValueError as error:
        raise PeriodError(f"not a {cadence.name}: {text!r} ({error})") from None
    raise PeriodError(f"not a {cadence.name}: {text!r} (e.g. {cadence.example}, or a date inside it)")


def period_key(cadence: Cadence, start: date) -> str:
    """The period as the CLI takes it and as the report's file name: 2026-W41, 2026-Q3 ..."""
    if cadence.name == "day":
        return start.isoformat()
    if cadence.name == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if cadence.name == "month":
        return f"{start:%Y-%m}"
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def period_label(cadence: Cadence, start: date) -> str:
    """The period for a reader: 5 October 2026, week 2026-W41, October 2026, Q3 2026."""
    if cadence.name == "day":
        return f"{start.day} {month_name(start)} {start.year}"
    if cadence.name == "week":
        return f"week {period_key(cadence, start)}"
    if cadence.name == "month":
        return f"{month_name(start)} {start.year}"
    return f"Q{(start.month - 1) // 3 + 1} {start.year}"


def short_label(cadence: Cadence, start: date) -> str:
    """A chart axis label: 5 Oct, W41, Oct 2026, Q3 2026."""
    if cadence.name == "day":
        return f"{start.day} {month_name(start)[:3]}"
    if cadence.name == "week":
        return f"W{start.isocalendar()[1]:02d}"
    if cadence.name == "quarter":
        return period_label(cadence, start)
    return f"{month_name(start)[:3]} {start.year}"
