"""KPI values people report by hand: the manual source's `kpi_reports`.

Over the window's last REPORTING_MONTHS, each manual KPI (seeds/manual_kpis.csv) is reported for
every finished period a few days after it ends and verified a day later, its value drifting from
where the reference's executive scorecard started the year toward where it reports it now (market
share 1.8% -> 2.3%, brand awareness 12% -> 15%, 2 -> 3 awards, employee satisfaction 4.0 -> 4.2,
uptime around 99.7%). Two gaps and a correction are part of the story: one month's uptime was
never reported, the newest quarter's brand-awareness survey is late (reported only if the window
runs long enough past its due date), and a market-share figure was corrected after its study was
revised (a second report of the same period: the scorecard takes the newest).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np

from orchestration.datagen.tables import Categorical, EntityTable
from orchestration.datagen.timeline import MS_PER_DAY, MS_PER_HOUR, Window, to_ms
from orchestration.manual_kpis import period_bounds

REPORTING_MONTHS = 15
REPORTERS = ("Dana Ruiz", "Omar Haddad", "Lena Vogel")
VERIFIERS = ("Priya Nair", "Tom Becker")
LATE_SURVEY_DAYS = 50  # the newest brand-awareness survey arrives this long after its quarter ends
VERIFY_HOURS = 8  # a report is verified within this many hours


# (kpi_id, period label, note, value, reported at in ms, source)
Report = tuple[str, str, str, float, int, str]


@dataclass(frozen=True)
class ManualKpi:
    kpi_id: str
    frequency: str  # the catalog's: monthly or quarterly
    start_value: float
    end_value: float
    noise: float
    decimals: int
    report_days: int  # after the period's end
    source: str


MANUAL_KPIS = (
    ManualKpi("mkt_market_share", "quarterly", 0.018, 0.023, 0.001, 4, 30, "Online learning market study"),
    ManualKpi("mkt_brand_awareness", "quarterly", 0.12, 0.15, 0.01, 3, 20, "Aided-awareness survey"),
    ManualKpi("mkt_industry_recognition", "quarterly", 2, 3, 0.4, 0, 10, "Award announcements"),
    ManualKpi("ops_platform_uptime", "monthly", 0.9975, 0.9975, 0.0008, 4, 3, "Status page monthly report"),
    ManualKpi("ppl_employee_satisfaction", "quarterly", 4.0, 4.2, 0.05, 2, 20, "Employee engagement survey"),
)


def _month_starts(window: Window) -> list[date]:
    """First days of the months that end inside the window, the last REPORTING_MONTHS of them."""
    end = datetime.fromtimestamp(window.end_ms / 1000, UTC).date()
    months = []
    year, month = end.year, end.month
    for _ in range(REPORTING_MONTHS):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        months.append(date(year, month, 1))
    start = datetime.fromtimestamp(window.start_ms / 1000, UTC).date()
    return [m for m in reversed(months) if m >= start]


def _label(start: date, frequency: str) -> str:
    if frequency == "quarterly":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def _end_ms(start: date, frequency: str) -> int:
    """The instant the period starting on `start` ends (the next one starts), as the CLI reads it."""
    return to_ms(period_bounds(_label(start, frequency), frequency)[1])


def build_kpi_reports(window: Window, rng: np.random.Generator) -> dict[str, EntityTable]:
    months = _month_starts(window)
    rows: list[Report] = []
    for kpi in MANUAL_KPIS:
        periods = [
            m for m in months
            if (kpi.frequency == "monthly" or m.month % 3 == 1) and _end_ms(m, kpi.frequency) <= window.end_ms
        ]
        for index, start in enumerate(periods):
            if kpi.kpi_id == "ops_platform_uptime" and index == len(periods) - 5:
                continue  # nobody reported this month
            share = index / max(1, len(periods) - 1)
            value = kpi.start_value + (kpi.end_value - kpi.start_value) * share + rng.normal(0, kpi.noise)
            value = round(min(value, 0.9999) if kpi.kpi_id == "ops_platform_uptime" else value, kpi.decimals)
            days = kpi.report_days
            if kpi.kpi_id == "mkt_brand_awareness" and index == len(periods) - 1:
                days = LATE_SURVEY_DAYS
            reported = _end_ms(start, kpi.frequency) + days * MS_PER_DAY + int(rng.integers(9, 17)) * MS_PER_HOUR
            if reported + VERIFY_HOURS * MS_PER_HOUR >= window.end_ms:
                continue  # not reported and verified yet
            label = _label(start, kpi.frequency)
            note = ""
            if kpi.kpi_id == "mkt_market_share" and index == len(periods) - 2:
                revised = round(value + 0.0012, kpi.decimals)
                corrected_at = reported + 12 * MS_PER_DAY
                if corrected_at + VERIFY_HOURS * MS_PER_HOUR < window.end_ms:
                    source = f"{kpi.source} (revised)"
                    rows.append((kpi.kpi_id, label, "revised study", revised, corrected_at, source))
                note = "preliminary study"
            rows.append((kpi.kpi_id, label, note, value, reported, kpi.source))
    return {"kpi_reports": _table(rows, rng)}


def _table(rows: list[Report], rng: np.random.Generator) -> EntityTable:
    n = len(rows)
    reported = np.array([r[4] for r in rows], dtype=np.int64)
    verified = reported + rng.integers(1, VERIFY_HOURS + 1, n) * MS_PER_HOUR
    ids = tuple(f"{kpi_id}-{label}-{at // 1000}" for kpi_id, label, _, _, at, _ in rows)
    return EntityTable.build(
        "kpi_reports",
        {
            "report_id": Categorical.of(ids, np.arange(n)),
            "kpi_id": _categorical([r[0] for r in rows]),
            "period": _categorical([r[1] for r in rows]),
            "value": np.array([r[3] for r in rows], dtype=np.float64),
            "reported_by": Categorical.of(REPORTERS, rng.integers(0, len(REPORTERS), n)),
            "reported_at": reported // 1000 * 1000,
            "source": _categorical([r[5] for r in rows]),
            "verified_by": Categorical.of(VERIFIERS, rng.integers(0, len(VERIFIERS), n)),
            "verified_at": verified // 1000 * 1000,
            "note": _categorical([r[2] for r in rows]),
        },
        nulls={"note": np.array([r[2] == "" for r in rows])},
    )


def _categorical(values: list[str]) -> Categorical:
    labels = tuple(dict.fromkeys(values))
    return Categorical.of(labels, np.array([labels.index(v) for v in values], dtype=np.int32))
