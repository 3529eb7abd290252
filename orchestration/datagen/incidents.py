"""Business incidents planted in the generated data: the ground truth for the scorecard's alerts.

Each incident is a real-world event that moves some KPIs in one month, placed relative to the
end of the data so every dataset (whatever its end) has them in months the scorecard can judge
(at least a year of history before, and a month of cohort maturity after):

- pricing_change, 9 months before the end's month: a misconfigured sitewide promotion sells every
  course at 50% off for three weeks (the 4th to the 24th, inside every month): average order value
  and revenue drop (a third, far outside the months' noise);
- course_update, 7 months before: an update of the most popular quarter of the courses (by
  popularity) halves the chance an enrollment of that month completes them: the cohort's
  completion and certification drop;
- payment_outage, 5 months before: the payment provider fails 85% of attempts for 3 days: payment
  success drops (and some orders are lost);
- campaign_underperformance, 3 months before: the month's biggest influencer campaign is a costly
  deal (it spends several times a typical month's whole campaign budget, however few campaigns
  run that month) that converts a few customers at twenty times the usual cost: campaign ROI
  collapses, cost per acquisition soars (measurable when the month has customers enough) and so
  does cost per reach (the deal reaches no more people than a typical campaign).

`_manifest/incidents.csv` lists them: id, kind, start and end (UTC, end exclusive), the month
(YYYY-MM) of the monthly KPIs it moves and those KPIs (catalog kpi_id, space-separated): an alert
on one of them in that month is explained by the incident, and every incident should raise at
least one. A dataset generated with `incidents=False` has none (the file has only its header).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from orchestration.datagen.timeline import MS_PER_DAY, Window

INCIDENT_COLUMNS = ("incident_id", "kind", "start", "end", "period", "kpi_ids", "description")

PRICE_CUT_PCT = 50
COMPLETION_FACTOR = 0.5
AFFECTED_COURSE_SHARE = 0.25  # of the courses, the most popular ones
OUTAGE_FAILURE_RATE = 0.85
PRICE_CUT_DAYS = (4, 25)  # of the month, end exclusive: three weeks in any month
# The underperforming campaign spends this many times a typical month's total campaign spend (the
# median month's: the incident's own month may be a thin one) and pays this many times its usual
# cost per order and per lead: a handful of customers for the money, not none (a month with spend
# and no customer has no cost per acquisition at all).
CAMPAIGN_SPEND_MULTIPLE = 6.0
CAMPAIGN_COST_PER_ORDER_FACTOR = 20.0
CAMPAIGN_COST_PER_LEAD_FACTOR = 10.0


@dataclass(frozen=True)
class Incident:
    incident_id: str
    kind: str
    start_ms: int
    end_ms: int  # exclusive
    kpi_ids: tuple[str, ...]
    description: str

    def covers(self, ms: np.ndarray) -> np.ndarray:
        ms = np.asarray(ms)
        return (ms >= self.start_ms) & (ms < self.end_ms)

    @property
    def period(self) -> str:
        return _utc(self.start_ms).strftime("%Y-%m")

    def as_row(self) -> tuple[str, ...]:
        return (
            self.incident_id,
            self.kind,
            _iso(self.start_ms),
            _iso(self.end_ms),
            self.period,
            " ".join(self.kpi_ids),
            self.description,
        )


@dataclass(frozen=True)
class Incidents:
    """The planted incidents by kind (None: not planted)."""

    pricing_change: Incident | None = None
    course_update: Incident | None = None
    payment_outage: Incident | None = None
    campaign_underperformance: Incident | None = None

    @property
    def all(self) -> tuple[Incident, ...]:
        return tuple(
            i
            for i in (self.pricing_change, self.course_update, self.payment_outage, self.campaign_underperformance)
            if i is not None
        )


NO_INCIDENTS = Incidents()


def _utc(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def _iso(ms: int) -> str:
    return _utc(ms).strftime("%Y-%m-%dT%H:%M:%SZ")


def _month_start_ms(year: int, month: int, day: int = 1) -> int:
    return int(datetime(year, month, day, tzinfo=UTC).timestamp() * 1000)


def _months_before(end_ms: int, months: int) -> tuple[int, int]:
    """(year, month) `months` calendar months before the month of the end instant."""
    end = _utc(end_ms - 1)
    index = end.year * 12 + end.month - 1 - months
    return index // 12, index % 12 + 1


def _days(year: int, month: int, first: int, last_exclusive: int) -> tuple[int, int]:
    start = _month_start_ms(year, month, first)
    return start, start + (last_exclusive - first) * MS_PER_DAY


def plan_incidents(window: Window) -> Incidents:
    """The four incidents, each inside the data window (one that would not fit is left out)."""

    def inside(incident: Incident) -> Incident | None:
        fits = window.start_ms + 365 * MS_PER_DAY <= incident.start_ms and incident.end_ms <= window.end_ms
        return incident if fits else None

    year, month = _months_before(window.end_ms, 9)
    start, end = _days(year, month, *PRICE_CUT_DAYS)
    pricing = Incident(
        "INC-1",
        "pricing_change",
        start,
        end,
        # every order of those days at half price, the same orders: the order value and revenue
        ("rev_average_order_value", "rev_revenue", "rev_revenue_yoy_growth"),
        f"misconfigured sitewide promotion: every course {PRICE_CUT_PCT}% off for "
        f"{PRICE_CUT_DAYS[1] - PRICE_CUT_DAYS[0]} days",
    )
    year, month = _months_before(window.end_ms, 7)
    start, end = _days(year, month, 1, 29)
    course = Incident(
        "INC-2",
        "course_update",
        start,
        end,
        ("cs_completion_rate", "cs_certification_rate"),
        f"course update of the most popular {AFFECTED_COURSE_SHARE:.0%} of courses halves completion "
        "of that month's enrollments",
    )
    year, month = _months_before(window.end_ms, 5)
    start, end = _days(year, month, 12, 15)
    outage = Incident(
        "INC-3",
        "payment_outage",
        start,
        end,
        ("rev_payment_success_rate",),
        f"payment provider outage: {OUTAGE_FAILURE_RATE:.0%} of payment attempts fail for 3 days",
    )
    year, month = _months_before(window.end_ms, 3)
    start = _month_start_ms(year, month)
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    campaign = Incident(
        "INC-4",
        "campaign_underperformance",
        start,
        _month_start_ms(next_year, next_month),
        ("cmp_roi", "cmp_cpa", "cmp_cost_per_reach"),
        "the month's biggest influencer campaign is a costly deal that converts almost nobody",
    )
    return Incidents(inside(pricing), inside(course), inside(outage), inside(campaign))


def write_incidents(path: Path, incidents: Incidents) -> None:
    """`_manifest/incidents.csv`: one row per planted incident (header only when there is none)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(INCIDENT_COLUMNS)
        writer.writerows(incident.as_row() for incident in incidents.all)


@dataclass(frozen=True)
class AlertScore:
    """Alerts measured against the planted incidents (the ground truth).

    - detected: incidents with at least one alert on one of their KPIs in their period (recall =
      detected / incidents);
    - explained: alerts on an incident's KPI in its period (precision = explained / alerts);
    - unexplained_by_month: the other alerts, by the month (YYYY-MM) of their period."""

    incidents: tuple[str, ...]
    detected: tuple[str, ...]
    alerts: int
    explained: int
    unexplained_by_month: dict[str, list[str]]

    @property
    def recall(self) -> float:
        return len(self.detected) / len(self.incidents) if self.incidents else 1.0

    @property
    def precision(self) -> float:
        return self.explained / self.alerts if self.alerts else 1.0

    @property
    def missed(self) -> tuple[str, ...]:
        return tuple(i for i in self.incidents if i not in self.detected)

    @property
    def max_unexplained_in_a_month(self) -> int:
        return max((len(v) for v in self.unexplained_by_month.values()), default=0)


def read_incidents(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def score_alerts(alerts: list[tuple[str, str]], incidents: list[dict[str, str]]) -> AlertScore:
    """`alerts` as (kpi_id, YYYY-MM of the alerted period); `incidents` as read_incidents rows."""
    explains = {(kpi, row["period"]): row["incident_id"] for row in incidents for kpi in row["kpi_ids"].split()}
    detected = sorted({explains[a] for a in alerts if a in explains})
    unexplained: dict[str, list[str]] = {}
    for kpi, month in alerts:
        if (kpi, month) not in explains:
            unexplained.setdefault(month, []).append(kpi)
    return AlertScore(
        incidents=tuple(row["incident_id"] for row in incidents),
        detected=tuple(detected),
        alerts=len(alerts),
        explained=sum(1 for a in alerts if a in explains),
        unexplained_by_month=unexplained,
    )
