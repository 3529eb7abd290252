"""What a report says, as plain data read from the marts, and the selections the renderers share:
the headline and operational KPIs, the status tally and the top movers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from orchestration.reports import status as vocabulary
from orchestration.reports.periods import Cadence

SEVERITY_ORDER = ("critical", "warning", "info")
LEVEL_ORDER = ("strategic", "tactical", "operational")

# Display order and names of the catalog's pillars; a pillar added to the catalog later is listed
# after these, by name.
PILLARS = {
    "revenue": "Revenue",
    "business": "Business & subscriptions",
    "marketing": "Marketing & acquisition",
    "engagement": "Student engagement",
    "course_success": "Course success",
    "instructors": "Instructors",
    "portfolio": "Course portfolio",
    "campaigns": "Influencer campaigns",
    "support": "Student support",
    "operations": "Operations",
    "people": "People",
    "data_quality": "Data quality",
}


def pillar_label(pillar: str) -> str:
    return PILLARS.get(pillar, pillar.replace("_", " ").capitalize())


def pillar_rank(pillar: str) -> tuple[int, str]:
    order = list(PILLARS)
    return (order.index(pillar), "") if pillar in PILLARS else (len(order), pillar)


@dataclass(frozen=True)
class KpiLine:
    """One KPI in the report's period: a kpi_scorecard row and its baseline."""

    kpi_id: str
    kpi_name: str
    pillar: str
    level: str
    unit: str
    direction: str
    owner: str
    status: str | None
    actual: float | None
    target: float | None
    baseline: float | None
    change_value: float | None
    change_rate: float | None
    trend: str | None
    frequency: str | None = None  # the scorecard grain: monthly, quarterly ...
    status_reason: str | None = None  # why no data or provisional (kpi_scorecard.status_reason)
    # the references' industry benchmark band and where the value sits: below, within, above
    benchmark_low: float | None = None
    benchmark_high: float | None = None
    benchmark_position: str | None = None
    # the KPI template's plan: the interim target in force (30, 90 or 365 days into the plan),
    # whether the value meets it, the plan's baseline and the progress from it to the yearly target
    interim_days: int | None = None
    interim_target: float | None = None
    interim_met: bool | None = None
    plan_baseline: float | None = None
    progress: float | None = None
    is_manual: bool = False  # reported by people (manual.kpi_reports), not computed

    @property
    def display_name(self) -> str:
        """The name as every surface shows it: a KPI people report is marked so."""
        return f"{self.kpi_name} (manual)" if self.is_manual else self.kpi_name

    @property
    def target_met(self) -> bool | None:
        """On or beating the target (the scorecard status); None without a target or a final value."""
        return vocabulary.is_met(self.status)

    @property
    def improved(self) -> bool | None:
        """Whether the change vs the baseline is good news for this KPI; None without a change or
        when it is flat (within the scorecard's 1%: no news either way)."""
        if not self.change_value or self.trend == "flat":
            return None
        return (self.change_value > 0) == (self.direction != "lower_is_better")


@dataclass(frozen=True)
class TrendPoint:
    period_start: date
    value: float | None


@dataclass(frozen=True)
class Alert:
    """A kpi_alerts row of the report's KPIs in its period."""

    kpi_id: str
    kpi_name: str
    alert_type: str
    severity: str
    owner: str
    message: str


@dataclass(frozen=True)
class AlertTally:
    """Alerts of one KPI and type raised during the period by scorecard periods other than those
    the report lists in full (the days and weeks of a month; the days, weeks and earlier months of
    a quarter)."""

    kpi_name: str
    frequency: str
    alert_type: str
    severity: str
    count: int
    first: date
    last: date


@dataclass(frozen=True)
class Report:
    """One period's report. `kpis`, `trends` and `alerts` are the scorecard rows at the anchor (the
    day, week or month itself; a quarter's last month). A cadence with an own grain (a quarter) also
    has the KPIs measured over the whole period, compared with the previous period: `period_kpis`,
    their trends and alerts, which lead its report; for other cadences they are empty."""

    cadence: Cadence
    period_start: date
    period_end: date
    anchor: date  # the scorecard period shown (a quarter's last month)
    baseline: date  # the scorecard period compared with
    kpis: tuple[KpiLine, ...]  # by pillar, level, name
    trends: dict[str, tuple[TrendPoint, ...]]  # kpi_id -> points, for the headline KPIs
    alerts: tuple[Alert, ...]  # by severity, KPI name, type
    other_alerts: tuple[AlertTally, ...]  # other scorecard periods inside the period
    period_kpis: tuple[KpiLine, ...] = ()  # the quarter's quarterly KPIs, by pillar, level, name
    period_trends: dict[str, tuple[TrendPoint, ...]] = field(default_factory=dict)  # all period_kpis
    period_alerts: tuple[Alert, ...] = ()  # the quarter's quarterly alerts
    historical: bool = False  # a historical export (audit.data_mode): timeliness not applicable
    # 'Why is it red' (orchestration.reports.drivers.Explanation): the month's red KPIs and drivers
    explanations: tuple = ()

    @property
    def has_own_grain(self) -> bool:
        """Whether the report leads with KPIs of the whole period (a quarter's quarterly KPIs),
        whether or not the scorecard has any for this period."""
        return self.cadence.own_grain is not None

    @property
    def all_kpis(self) -> tuple[KpiLine, ...]:
        """The period's KPIs then the anchor's: every KPI the report shows."""
        return self.period_kpis + self.kpis


def kpi_sort_key(line: KpiLine) -> tuple:
    level = LEVEL_ORDER.index(line.level) if line.level in LEVEL_ORDER else len(LEVEL_ORDER)
    return (*pillar_rank(line.pillar), level, line.kpi_name, line.kpi_id)


def headline(kpis: tuple[KpiLine, ...]) -> tuple[KpiLine, ...]:
    """The strategic KPIs; all KPIs when the cadence has none (daily and weekly KPIs are
    operational or tactical), so a report always leads with something."""
    strategic = tuple(line for line in kpis if line.level == "strategic")
    return strategic or kpis


def operational(kpis: tuple[KpiLine, ...]) -> tuple[KpiLine, ...]:
    """The operational KPIs not already in the headline."""
    lead = {line.kpi_id for line in headline(kpis)}
    return tuple(line for line in kpis if line.level == "operational" and line.kpi_id not in lead)


NO_DATA_REASON = "no data in the source for this period"


def without_data(kpis: tuple[KpiLine, ...]) -> tuple[tuple[KpiLine, str], ...]:
    """The KPIs with no data for the period, each with why (the missing source when known)."""
    return tuple((line, line.status_reason or NO_DATA_REASON) for line in kpis if line.status == "no_data")


def top_movers(kpis: tuple[KpiLine, ...], limit: int = 5) -> tuple[KpiLine, ...]:
    """The KPIs that moved most vs the baseline, by |relative change| (the measure the alert
    rules use, comparable across units); ties by name so the order never depends on the query."""
    moved = [line for line in kpis if line.change_rate is not None and line.change_rate != 0]
    return tuple(sorted(moved, key=lambda line: (-abs(line.change_rate or 0.0), line.kpi_name, line.kpi_id))[:limit])


def status_counts(kpis: tuple[KpiLine, ...]) -> list[tuple[str, int]]:
    """(status, KPIs) in the shared vocabulary's order, statuses with no KPI left out."""
    return vocabulary.counts(line.status for line in kpis)


def targets_met(kpis: tuple[KpiLine, ...]) -> tuple[int, int]:
    """(KPIs on or beating their target, KPIs with a target and a final value)."""
    return vocabulary.targets_met(line.status for line in kpis)


def by_pillar(kpis: tuple[KpiLine, ...]) -> list[tuple[str, tuple[KpiLine, ...]]]:
    """(pillar, its KPIs) in display order; kpis are already sorted by pillar."""
    groups: dict[str, list[KpiLine]] = {}
    for line in kpis:
        groups.setdefault(line.pillar, []).append(line)
    return [(pillar, tuple(lines)) for pillar, lines in groups.items()]
