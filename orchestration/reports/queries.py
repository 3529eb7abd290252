"""Read one report's data from the marts (marts.kpi_scorecard, marts.kpi_alerts), nothing else.

Every query is bounded by the report's period: rows after it are never read, so a report generated
after later periods have arrived is the same as one generated when the period had just closed.
Only complete periods are reported (a period still open at the data's as-of day would change as
its last days land).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

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
    period_end,
    period_key,
    period_start,
    trend_window,
)


class ReportError(Exception):
    """The report cannot be made: no warehouse, no scorecard, or no complete data for the period."""


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection (the pipeline or dbt may be the warehouse's writer)."""
    if not warehouse.exists():
        raise ReportError(f"warehouse not found: {warehouse} (build it with `make run`, or set WAREHOUSE_PATH)")
    con = duckdb.connect(str(warehouse), read_only=True)
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


def complete_periods(con: duckdb.DuckDBPyConnection, cadence: Cadence) -> list[date]:
    """Starts of the cadence's periods whose scorecard rows are complete, oldest first (a quarter
    counts once its last month is complete)."""
    rows = con.execute(
        """
        select distinct period_start
        from marts.kpi_scorecard
        where frequency = $grain and is_complete_period
        order by period_start
        """,
        {"grain": cadence.grain},
    ).fetchall()
    anchors = [row[0] for row in rows]
    return [period_start(cadence, day) for day in anchors if anchor(cadence, period_start(cadence, day)) == day]


def load_report(con: duckdb.DuckDBPyConnection, cadence: Cadence, start: date, warehouse: Path) -> Report:
    _check_complete(con, cadence, start, warehouse)
    kpis = _kpi_lines(con, cadence, start)
    return Report(
        cadence=cadence,
        period_start=start,
        period_end=period_end(cadence, start),
        anchor=anchor(cadence, start),
        baseline=baseline(cadence, start),
        kpis=kpis,
        trends=_trends(con, cadence, start, headline(kpis)),
        alerts=_alerts(con, cadence, start),
        other_alerts=_other_alerts(con, cadence, start),
    )


def _check_complete(con: duckdb.DuckDBPyConnection, cadence: Cadence, start: date, warehouse: Path) -> None:
    rows, complete = con.execute(
        """
        select count(*), count(*) filter (where is_complete_period)
        from marts.kpi_scorecard
        where frequency = $grain and period_start = $anchor
        """,
        {"grain": cadence.grain, "anchor": anchor(cadence, start)},
    ).fetchone() or (0, 0)
    if rows and rows == complete:
        return
    key = period_key(cadence, start)
    done = complete_periods(con, cadence)
    latest = f"the latest complete {cadence.name} is {period_key(cadence, done[-1])}" if done else (
        f"no {cadence.name} is complete yet"
    )
    if not rows:
        raise ReportError(
            f"no {cadence.grain} rows in marts.kpi_scorecard for {cadence.name} {key} in {warehouse}; {latest}"
        )
    raise ReportError(f"{cadence.name} {key} is not complete in the data of {warehouse} yet; {latest}")


# The baseline is joined here rather than read from prior_value so a quarter can compare with the
# previous quarter's last month; change_rate and trend_direction follow the scorecard's rules
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
    end as trend_direction
from marts.kpi_scorecard as current_period
left join marts.kpi_scorecard as baseline_period
    on
        current_period.kpi_id = baseline_period.kpi_id
        and baseline_period.period_start = $baseline
where current_period.frequency = $grain and current_period.period_start = $anchor
order by current_period.kpi_id
"""


def _kpi_lines(con: duckdb.DuckDBPyConnection, cadence: Cadence, start: date) -> tuple[KpiLine, ...]:
    rows = con.execute(
        _KPI_LINES, {"grain": cadence.grain, "anchor": anchor(cadence, start), "baseline": baseline(cadence, start)}
    ).fetchall()
    return tuple(sorted((KpiLine(*row) for row in rows), key=kpi_sort_key))


def _trends(
    con: duckdb.DuckDBPyConnection, cadence: Cadence, start: date, kpis: tuple[KpiLine, ...]
) -> dict[str, tuple[TrendPoint, ...]]:
    """Each KPI's values over the trend window, a missing period as None; history shorter than the
    window starts at the KPI's first value instead of a run of empty periods."""
    window = trend_window(cadence, start)
    rows = con.execute(
        """
        select kpi_id, period_start, actual_value
        from marts.kpi_scorecard
        where frequency = $grain and period_start between $first and $last and list_contains($kpis, kpi_id)
        """,
        {"grain": cadence.grain, "first": window[0], "last": window[-1], "kpis": [line.kpi_id for line in kpis]},
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


def _alerts(con: duckdb.DuckDBPyConnection, cadence: Cadence, start: date) -> tuple[Alert, ...]:
    rows = con.execute(
        f"""
        select kpi_id, kpi_name, alert_type, severity, owner, alert_message
        from marts.kpi_alerts
        where frequency = $grain and period_start = $anchor
        order by {_severity_rank('severity')}, kpi_name, alert_type
        """,
        {"grain": cadence.grain, "anchor": anchor(cadence, start)},
    ).fetchall()
    return tuple(Alert(*row) for row in rows)


def _other_alerts(con: duckdb.DuckDBPyConnection, cadence: Cadence, start: date) -> tuple[AlertTally, ...]:
    """Alerts of scorecard periods that lie wholly inside the report's period, other than the
    report's own: a week straddling the month end belongs to neither month, since its alert
    would appear only once the following month had data."""
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
            alerts.period_start >= $start
            and scorecard.period_end <= $end
            and not (alerts.frequency = $grain and alerts.period_start = $anchor)
        group by alerts.kpi_name, alerts.frequency, alerts.alert_type, alerts.severity
        order by {_severity_rank('alerts.severity')}, alert_count desc, alerts.kpi_name, alerts.alert_type
        """,
        {
            "start": start,
            "end": period_end(cadence, start),
            "grain": cadence.grain,
            "anchor": anchor(cadence, start),
        },
    ).fetchall()
    return tuple(AlertTally(*row) for row in rows)
