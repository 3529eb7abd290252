"""Read one report's data from the marts (marts.kpi_scorecard, marts.kpi_alerts), nothing else.

Every query is bounded by the report's period: rows after it are never read, so a report generated
after later periods have arrived is the same as one generated when the period had just closed.
Only complete periods are reported (a period still open at the data's as-of day would change as
its last days land). A quarter reads its quarterly rows (period_start = the quarter's first day)
and the monthly rows of its last month.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from orchestration import duckdb_connect
from orchestration.quality import data_mode
from orchestration.reports import drivers
from orchestration.reports.model import (
    SEVERITY_ORDER,
    Alert,
    AlertTally,
    KpiLine,
    Report,
    TrendPoint,
    headline,
    kpi_sort_key,
)
from orchestration.reports.periods import (
    Cadence,
    anchor,
    baseline,
    own_trend_window,
    period_end,
    period_key,
    period_start,
    previous,
    trend_window,
)


class ReportError(Exception):
    """The report cannot be made: no warehouse, no scorecard, or no complete data for the period."""


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection (the pipeline or dbt may be the warehouse's writer)."""
    if not warehouse.exists():
        raise ReportError(f"warehouse not found: {warehouse} (build it with `make run`, or set WAREHOUSE_PATH)")
    con = duckdb_connect.connect(str(warehouse), read_only=True)
    found = con.execute(
        """
        select count(*) from information_schema.tables
        where table_schema = 'marts' and table_name in ('kpi_scorecard', 'kpi_alerts')
        """
    ).fetchone()
    if not found or found[0] < 2:
        con.close()
        raise ReportError(f"marts.kpi_scorecard / marts.kpi_alerts not found in {warehouse} (run `make build`)")
    return con


def _grains(cadence: Cadence) -> list[str]:
    """The scorecard frequencies a report of the cadence reads: its own grain first, if any."""
    return [grain for grain in (cadence.own_grain, cadence.grain) if grain]


def _shown_rows(cadence: Cadence, start: date) -> dict[str, Any]:
    """Parameters of `_SHOWN`: the scorecard rows a report shows, its own grain's (a quarter's
    quarterly rows) and the anchor's (a quarter's last month); without an own grain both are the
    anchor's."""
    return {
        "grain": cadence.grain,
        "anchor": anchor(cadence, start),
        "own_grain": cadence.own_grain or cadence.grain,
        "start": start if cadence.own_grain else anchor(cadence, start),
    }


_SHOWN = "((frequency = $grain and period_start = $anchor) or (frequency = $own_grain and period_start = $start))"


def complete_periods(con: duckdb.DuckDBPyConnection, cadence: Cadence) -> list[date]:
    """Starts of the cadence's periods whose scorecard rows are all complete, oldest first: a
    quarter counts when its quarterly rows and its last month's rows, those of them the scorecard
    has, are complete (the two end on the same day)."""
    rows = con.execute(
        """
        select frequency, period_start, bool_and(is_complete_period)
        from marts.kpi_scorecard
        where list_contains($grains, frequency)
        group by frequency, period_start
        """,
        {"grains": _grains(cadence)},
    ).fetchall()
    complete: dict[date, bool] = {}
    for frequency, day, is_complete in rows:
        start = period_start(cadence, day)
        shown = (day == start) if frequency == cadence.own_grain else (day == anchor(cadence, start))
        if shown:
            complete[start] = complete.get(start, True) and bool(is_complete)
    return sorted(start for start, is_complete in complete.items() if is_complete)


def load_report(con: duckdb.DuckDBPyConnection, cadence: Cadence, start: date, warehouse: Path) -> Report:
    _check_complete(con, cadence, start, warehouse)
    at, before = anchor(cadence, start), baseline(cadence, start)
    kpis = _kpi_lines(con, cadence.grain, at, before)
    alerts = _alerts(con, cadence.grain, at)
    period_kpis: tuple[KpiLine, ...] = ()
    period_trends: dict[str, tuple[TrendPoint, ...]] = {}
    period_alerts: tuple[Alert, ...] = ()
    if cadence.own_grain:
        period_kpis = _kpi_lines(con, cadence.own_grain, start, previous(cadence, start))
        period_trends = _trends(con, cadence.own_grain, own_trend_window(cadence, start), period_kpis)
        period_alerts = _alerts(con, cadence.own_grain, start)
    return Report(
        cadence=cadence,
        period_start=start,
        period_end=period_end(cadence, start),
        anchor=at,
        baseline=before,
        kpis=kpis,
        trends=_trends(con, cadence.grain, trend_window(cadence, start), headline(kpis)),
        alerts=alerts,
        other_alerts=_other_alerts(con, cadence, start),
        period_kpis=period_kpis,
        period_trends=period_trends,
        period_alerts=period_alerts,
        historical=data_mode.read(con).historical,
        explanations=_explanations(con, cadence, at, kpis, alerts),
    )


def _explanations(
    con: duckdb.DuckDBPyConnection, cadence: Cadence, at: date, kpis: tuple[KpiLine, ...], alerts: tuple[Alert, ...]
) -> tuple:
    """'Why is it red' for a monthly or daily report (kpi_drivers compares a month with the month
    before and a day with the day before, those reports' baselines); a week's KPIs have no slices
    and a quarter compares with the last month of the quarter before, so they have no such
    section."""
    if cadence.name not in drivers.DRIVER_PERIODS.values():
        return ()
    return drivers.explain(con, at, kpis, {alert.kpi_id for alert in alerts}, period=cadence.name)


def _check_complete(con: duckdb.DuckDBPyConnection, cadence: Cadence, start: date, warehouse: Path) -> None:
    rows, complete = con.execute(
        f"""
        select count(*), count(*) filter (where is_complete_period)
        from marts.kpi_scorecard
        where {_SHOWN}
        """,
        _shown_rows(cadence, start),
    ).fetchone() or (0, 0)
    if rows and rows == complete:
        return
    key = period_key(cadence, start)
    done = complete_periods(con, cadence)
    latest = f"the latest complete {cadence.name} is {period_key(cadence, done[-1])}" if done else (
        f"no {cadence.name} is complete yet"
    )
    if not rows:
        grains = " or ".join(_grains(cadence))
        raise ReportError(f"no {grains} rows in marts.kpi_scorecard for {cadence.name} {key} in {warehouse}; {latest}")
    raise ReportError(f"{cadence.name} {key} is not complete in the data of {warehouse} yet; {latest}")


# The baseline is joined here rather than read from prior_value so a quarter's monthly KPIs can
# compare with the previous quarter's last month; change_rate and trend_direction follow the scorecard's rules
# (growth_rate, kpi_trend_direction), and equal its columns when the baseline is the prior period.
_KPI_LINES = """
select
    current_period.kpi_id,
    current_period.kpi_name,
    current_period.pillar,
    current_period.level,
    current_period.unit,
    current_period.direction,
    current_period.owner,
    current_period.status,
    current_period.actual_value,
    current_period.target_value,
    baseline_period.actual_value as baseline_value,
    current_period.actual_value - baseline_period.actual_value as change_value,
    case
        when baseline_period.actual_value is null or baseline_period.actual_value = 0 then null
        else (current_period.actual_value - baseline_period.actual_value) / abs(baseline_period.actual_value)
    end as change_rate,
    case
        when current_period.actual_value - baseline_period.actual_value is null then null
        when abs(current_period.actual_value - baseline_period.actual_value)
            <= 0.01 * abs(baseline_period.actual_value) then 'flat'
        when current_period.actual_value > baseline_period.actual_value then 'up'
        else 'down'
    end as trend_direction,
    current_period.frequency,
    current_period.status_reason,
    current_period.benchmark_low,
    current_period.benchmark_high,
    current_period.benchmark_position,
    current_period.interim_target_days,
    current_period.interim_target_value,
    current_period.interim_target_met,
    current_period.baseline_value,
    current_period.target_progress_rate,
    current_period.is_manual
from marts.kpi_scorecard as current_period
left join marts.kpi_scorecard as baseline_period
    on
        current_period.kpi_id = baseline_period.kpi_id
        and baseline_period.period_start = $baseline
        -- like for like: two final periods (never a partial first period or a provisional cohort)
        and current_period.is_final_period
        and baseline_period.is_final_period
where current_period.frequency = $grain and current_period.period_start = $anchor
order by current_period.kpi_id
"""


def _kpi_lines(con: duckdb.DuckDBPyConnection, grain: str, at: date, before: date) -> tuple[KpiLine, ...]:
    """The KPIs of scorecard frequency `grain` at the period starting `at`, against `before`."""
    rows = con.execute(_KPI_LINES, {"grain": grain, "anchor": at, "baseline": before}).fetchall()
    return tuple(sorted((KpiLine(*row) for row in rows), key=kpi_sort_key))


def _trends(
    con: duckdb.DuckDBPyConnection, grain: str, window: list[date], kpis: tuple[KpiLine, ...]
) -> dict[str, tuple[TrendPoint, ...]]:
    """Each KPI's values over the trend window (period starts of the grain, oldest first), a
    missing or still maturing period as None (a young cohort is not drawn as a fall); history
    shorter than the window starts at the KPI's first value instead of a run of empty periods."""
    if not kpis or not window:
        return {}
    rows = con.execute(
        """
        select kpi_id, period_start, actual_value
        from marts.kpi_scorecard
        where frequency = $grain and period_start between $first and $last and list_contains($kpis, kpi_id)
            -- a complete period still maturing (a young cohort) is a gap, not a fall
            and not (is_complete_period and not is_partial_period and not is_final_period)
        """,
        {"grain": grain, "first": window[0], "last": window[-1], "kpis": [line.kpi_id for line in kpis]},
    ).fetchall()
    values = {(kpi_id, day): value for kpi_id, day, value in rows}
    trends = {}
    for line in kpis:
        points = [TrendPoint(day, values.get((line.kpi_id, day))) for day in window]
        first = next((i for i, point in enumerate(points) if point.value is not None), len(points) - 1)
        trends[line.kpi_id] = tuple(points[first:])
    return trends


def _severity_rank(column: str) -> str:
    """SQL ordering alerts critical, warning, info."""
    return f"list_position({list(SEVERITY_ORDER)}, {column})"


def _alerts(con: duckdb.DuckDBPyConnection, grain: str, at: date) -> tuple[Alert, ...]:
    """The alerts of the scorecard period of frequency `grain` starting `at`."""
    rows = con.execute(
        f"""
        select kpi_id, kpi_name, alert_type, severity, owner, alert_message
        from marts.kpi_alerts
        where frequency = $grain and period_start = $anchor
        order by {_severity_rank('severity')}, kpi_name, alert_type
        """,
        {"grain": grain, "anchor": at},
    ).fetchall()
    return tuple(Alert(*row) for row in rows)


def _other_alerts(con: duckdb.DuckDBPyConnection, cadence: Cadence, start: date) -> tuple[AlertTally, ...]:
    """Alerts of scorecard periods that lie wholly inside the report's period, other than those it
    lists in full (the anchor's, and a quarter's quarterly alerts): a week straddling the month end
    belongs to neither month, since its alert would appear only once the following month had data."""
    rows = con.execute(
        f"""
        select
            alerts.kpi_name,
            alerts.frequency,
            alerts.alert_type,
            alerts.severity,
            count(*) as alert_count,
            min(alerts.period_start) as first_period,
            max(alerts.period_start) as last_period
        from marts.kpi_alerts as alerts
        inner join marts.kpi_scorecard as scorecard
            on alerts.kpi_id = scorecard.kpi_id and alerts.period_start = scorecard.period_start
        where
            alerts.period_start >= $period_start
            and scorecard.period_end <= $end
            and not ((alerts.frequency = $grain and alerts.period_start = $anchor)
                or (alerts.frequency = $own_grain and alerts.period_start = $start))
        group by alerts.kpi_name, alerts.frequency, alerts.alert_type, alerts.severity
        order by {_severity_rank('alerts.severity')}, alert_count desc, alerts.kpi_name, alerts.alert_type
        """,
        {**_shown_rows(cadence, start), "period_start": start, "end": period_end(cadence, start)},
    ).fetchall()
    return tuple(AlertTally(*row) for row in rows)
