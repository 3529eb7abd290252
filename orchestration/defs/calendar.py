"""The reporting calendar as plain date arithmetic (no Dagster here, so it is easy to test).

From the reporting schedule of the reference frameworks (`../shared/reference/`): the daily report
at 08:00, the weekly one on Monday 09:00, the monthly one on the first Monday of the month and the
quarterly one on the first Monday of the quarter, all at 09:00; the daily refresh (land, build,
validate) runs overnight before the daily report.

A cron expression cannot say "the first Monday": cron (and croniter, which Dagster uses) fires
when the day of month OR the day of week matches once both are restricted, so `0 9 1-7 * 1` runs on
every Monday and on the 1st to 7th of the month. The monthly and quarterly schedules therefore run
on the Monday cron and `report_due` keeps only the first Monday of the month / quarter.

Each report covers the last period completed before its run: a Monday's weekly report the ISO week
that ended the day before, the first Monday's monthly report the previous month, and so on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TIMEZONE_VARIABLE = "SCHEDULE_TIMEZONE"
DEFAULT_TIMEZONE = "UTC"
QUARTER_START_MONTHS = (1, 4, 7, 10)


@dataclass(frozen=True)
class ReportSchedule:
    frequency: str  # the report cadence: day, week, month, quarter (orchestration.reports)
    cron: str
    description: str


REFRESH_HOUR = 5  # daily refresh, three hours before the daily report
REFRESH_CRON = f"0 {REFRESH_HOUR} * * *"
REPORT_SCHEDULES = (
    ReportSchedule("day", "0 8 * * *", "Daily KPI report at 08:00, after the overnight refresh"),
    ReportSchedule("week", "0 9 * * 1", "Weekly KPI report on Mondays at 09:00"),
    ReportSchedule("month", "0 9 * * 1", "Monthly KPI report on the first Monday of the month at 09:00"),
    ReportSchedule("quarter", "0 9 * * 1", "Quarterly KPI report on the first Monday of the quarter at 09:00"),
)


def schedule_timezone(environ: dict[str, str] | None = None) -> str:
    """SCHEDULE_TIMEZONE (an IANA name such as Europe/Madrid), UTC by default."""
    name = (environ if environ is not None else os.environ).get(TIMEZONE_VARIABLE, "").strip() or DEFAULT_TIMEZONE
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{TIMEZONE_VARIABLE}={name!r} is not an IANA time zone (e.g. UTC, Europe/Madrid)") from None
    return name


def is_first_monday_of_month(day: date) -> bool:
    return day.weekday() == 0 and day.day <= 7


def is_first_monday_of_quarter(day: date) -> bool:
    return is_first_monday_of_month(day) and day.month in QUARTER_START_MONTHS


def report_due(frequency: str, day: date) -> bool:
    """Whether the report of `frequency` is due on `day` (a local date in the schedule's zone)."""
    if frequency == "day":
        return True
    if frequency == "week":
        return day.weekday() == 0
    if frequency == "month":
        return is_first_monday_of_month(day)
    if frequency == "quarter":
        return is_first_monday_of_quarter(day)
    raise ValueError(f"unknown report frequency {frequency!r}")


def _month_start(year: int, month: int) -> date:
    index = year * 12 + month - 1
    return date(index // 12, index % 12 + 1, 1)


def period_to_report(frequency: str, day: date) -> str:
    """The key of the last period that ended before `day`, as `python -m orchestration.reports
    --period` takes it: 2026-11-22, 2026-W47, 2026-10, 2026-Q3."""
    if frequency == "day":
        return (day - timedelta(days=1)).isoformat()
    if frequency == "week":
        year, week, _ = (day - timedelta(days=day.weekday() + 7)).isocalendar()
        return f"{year}-W{week:02d}"
    if frequency == "month":
        previous = _month_start(day.year, day.month - 1)
        return f"{previous:%Y-%m}"
    if frequency == "quarter":
        quarter_start = _month_start(day.year, (day.month - 1) // 3 * 3 + 1)
        previous = _month_start(quarter_start.year, quarter_start.month - 3)
        return f"{previous.year}-Q{(previous.month - 1) // 3 + 1}"
    raise ValueError(f"unknown report frequency {frequency!r}")
