"""The dashboards' data access: every query the three views run, as plain functions of a DuckDB
connection to the serving file (opened read-only), plus the number formatting they display.

Nothing here imports Streamlit, so each function is unit-tested on a small in-memory database and
checked against the marts. The serving file (orchestration/serving) holds the warehouse's `marts`
and `audit` schemas and `main.publish_log`; the views never read the working warehouse.

No KPI formula lives here: every number a view shows is a column of a dbt mart (models/marts,
models/scorecard), computed once by dbt with the formulas the scorecard uses. A query selects rows
(month, slice values), orders, limits and sums additive measures (counts, money) over the rows a
selection picks; marts hold the grains the views need (revenue_by_slice_monthly,
platform_traffic_day_to_hour, ...), so a ratio is read. Where a ratio is over a selection no mart
can hold (several platforms, a campaign's week, a slice of enrollment cohorts), the mart exposes
its numerator and denominator and `with_ratios` (RATIO_TERMS) divides them: the one place.

Slices (Filters): category (course category), instructor tier (instructor_performance.
pareto_segment: top_10_pct / long_tail), campaign platform and student country. Each query applies
the slices its marts carry and ignores the others; the returned Slice's `applied` says which, and
the views say so under the figures.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from orchestration.quality.data_mode import TIMELINESS_NOT_APPLICABLE
from orchestration.reports import status as vocabulary
from orchestration.reports.drivers import DRIVER_PERIODS

# Status of the scorecard (macro kpi_status), in the vocabulary every surface shares
# (orchestration.reports.status): words, and the Streamlit colour that shows them.
STATUS_LABELS = {status: vocabulary.LABELS[status] for status in vocabulary.STATUSES}
STATUS_COLORS = {status: {"yellow": "orange", "grey": "gray"}.get(vocabulary.COLORS[status], vocabulary.COLORS[status])
                 for status in vocabulary.STATUSES}
# Material icons (Streamlit serves the font, so they render where emoji fonts are missing).
STATUS_ICONS = {"off_target": ":material/error:", "at_risk": ":material/warning:",
                "on_target": ":material/check_circle:", "beating_target": ":material/trending_up:",
                "untargeted": ":material/show_chart:", "provisional": ":material/hourglass_empty:",
                "no_data": ":material/block:"}
# Cell colours of a status in tables (light backgrounds, readable text), by the words shown.
_CELL_STYLES = {
    "red": "background-color: #fde0dc; color: #9f1c12",
    "yellow": "background-color: #fff1c2; color: #7a5200",
    "green": "background-color: #dcf5e3; color: #0f6a2e",
    "blue": "background-color: #dde9fd; color: #1a4a9c",
    "grey": "color: #777777",
}
STATUS_CELL_STYLES = {vocabulary.LABELS[s]: _CELL_STYLES[vocabulary.COLORS[s]] for s in vocabulary.STATUSES}
STATUS_CELL_STYLES.update({"Met": _CELL_STYLES["green"], "Fresh": _CELL_STYLES["green"],
                           "Failing": _CELL_STYLES["red"], "Stale": _CELL_STYLES["red"]})
TREND_ARROWS = {"up": "↗", "down": "↘", "flat": "→"}
# The data-quality standards of the KPI tracking framework.
TIMELINESS_HOURS = 24
PILLARS = ("revenue", "business", "marketing", "instructors", "portfolio", "engagement", "course_success", "campaigns",
           "support", "operations", "people", "data_quality")


@dataclass(frozen=True)
class Filters:
    """What the user picked: the month looked at, the trend window and the slices (empty = all)."""

    month: date
    months_back: int = 12
    categories: tuple[str, ...] = ()
    instructor_tiers: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()

    @property
    def trend_start(self) -> date:
        return add_months(self.month, -(self.months_back - 1))

    @property
    def month_end(self) -> date:
        """First day after the month."""
        return add_months(self.month, 1)

    def active(self) -> dict[str, tuple[str, ...]]:
        named = {"category": self.categories, "instructor tier": self.instructor_tiers,
                 "campaign platform": self.platforms, "country": self.countries}
        return {name: values for name, values in named.items() if values}


@dataclass(frozen=True)
class Slice:
    """SQL predicates (joined with `and`) and their parameters."""

    predicates: tuple[str, ...] = ()
    params: tuple[Any, ...] = ()
    applied: tuple[str, ...] = ()

    def where(self, *extra: str) -> str:
        clauses = [*extra, *self.predicates]
        return ("where " + " and ".join(clauses)) if clauses else ""


# ----------------------------------------------------------------------------------------- basics

def connect(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the serving file as it is now (orchestration.serving's reader: an
    in-memory connection that ATTACHes the file READ_ONLY, so a new connection sees a newer
    publish; `duckdb.connect(path)` would reuse the instance this process opened first)."""
    from orchestration.serving import open_serving

    return open_serving(Path(path))


def utc_naive(value: Any) -> datetime | None:
    """A timestamp (naive UTC or tz-aware) as naive UTC; None when missing."""
    if value is None or is_missing(value):
        return None
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp.to_pydatetime()


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: Iterable[Any] = ()) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


def has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    found = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() and schema_name = ? "
        "and table_name = ?", [schema, table]).fetchone()
    return bool(found and found[0])


def _in(column: str, values: tuple[str, ...]) -> tuple[str, list[Any]]:
    return f"{column} in (select unnest(?::varchar[]))", [list(values)]


def make_slice(f: Filters, *, category: str | None = None, tier: str | None = None,
               platform: str | None = None, country: str | None = None) -> Slice:
    """Predicates for the slices a query can apply: pass the column (SQL expression) for each."""
    predicates: list[str] = []
    params: list[Any] = []
    applied: list[str] = []
    for column, values, name in ((category, f.categories, "category"), (tier, f.instructor_tiers, "instructor tier"),
                                 (platform, f.platforms, "campaign platform"), (country, f.countries, "country")):
        if column and values:
            sql, p = _in(column, values)
            predicates.append(sql)
            params.extend(p)
            applied.append(name)
    return Slice(tuple(predicates), tuple(params), tuple(applied))


# ------------------------------------------------------------------------ ratios of a selection

# The ratios a dashboard shows over a selection of rows of a mart (several campaign platforms; the
# categories, tiers and countries picked; a campaign's last seven days), where no mart can hold
# every combination: each ratio's numerator and denominator, columns the marts expose (their
# formulas are dbt's: campaign_kpi_columns(), course_success_monthly's *_in_window rates). The
# queries sum them over the selected rows; `with_ratios` is the one place that divides.
RATIO_TERMS: dict[str, tuple[str, str]] = {
    "ctr": ("clicks", "impressions"),
    "engagement_rate": ("engagements", "reach"),
    "cpa_usd": ("spend_usd", "converting_customers"),
    "roi": ("net_return_usd", "spend_usd"),
    "roas": ("attributed_revenue_usd", "spend_usd"),
    "completion_rate": ("completed_in_window_enrollments", "enrollments"),
    "certification_rate": ("certified_in_window_enrollments", "enrollments"),
}


def with_ratios(frame: pd.DataFrame, names: Iterable[str]) -> pd.DataFrame:
    """`frame` (summed numerators and denominators, one row per group) with each named ratio of
    RATIO_TERMS as a column: numerator / denominator, missing when the denominator is 0 or
    missing, as dbt's safe_divide."""
    out = frame.copy()
    for name in names:
        numerator, denominator = RATIO_TERMS[name]
        num = pd.to_numeric(out[numerator], errors="coerce").astype("float64")
        den = pd.to_numeric(out[denominator], errors="coerce").astype("float64")
        out[name] = (num / den.where(den != 0)).astype("float64")
    return out


# ----------------------------------------------------------------------------------- formatting

def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT


def format_value(value: Any, unit: str) -> str:
    """A KPI value as the views show it: usd, rate (0-1 as %), ratio, count, score or hours."""
    if is_missing(value):
        return "n/a"
    value = float(value)
    if unit == "usd":
        sign = "-" if value < 0 else ""
        magnitude = abs(value)
        return f"{sign}${magnitude:,.0f}" if magnitude >= 1000 else f"{sign}${magnitude:,.2f}"
    if unit == "rate":
        return f"{value * 100:.1f}%"
    if unit == "ratio":
        return f"{value:.2f}"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "hours":
        return f"{value:,.1f} h"
    return f"{value:,.1f}"


def format_change(change_value: Any, change_rate: Any, unit: str) -> str | None:
    """The change vs the prior period: percentage points for rates, else the relative change."""
    if unit == "rate":
        if is_missing(change_value):
            return None
        return f"{float(change_value) * 100:+.1f} pp"
    if is_missing(change_rate):
        if is_missing(change_value):
            return None
        return f"{float(change_value):+,.2f}"
    return f"{float(change_rate) * 100:+.1f}%"


def benchmark_text(low: Any, high: Any, position: Any, unit: str) -> str | None:
    """The references' industry benchmark band and where the value sits ("15.0%–25.0%, within");
    None when the references give no band for the KPI."""
    if is_missing(low) or is_missing(high):
        return None
    band = f"{format_value(low, unit)}–{format_value(high, unit)}"
    return band if is_missing(position) else f"{band}, {position}"


def interim_text(days: Any, value: Any, met: Any, unit: str) -> str | None:
    """The interim target in force, 30, 90 or 365 days into the KPI's yearly plan, and whether the
    value meets it ("23.4% (90 days), missed"); None without one."""
    if is_missing(days) or is_missing(value):
        return None
    text = f"{format_value(value, unit)} ({int(days)} days)"
    return text if is_missing(met) else f"{text}, {'met' if bool(met) else 'missed'}"


def progress_text(progress: Any) -> str | None:
    """Progress from the plan's baseline to the yearly target ("43% of the way"); None when
    unknown (no baseline, no target, not final)."""
    return None if is_missing(progress) else f"{float(progress) * 100:.0f}% of the way"


def plan_line(row: Any) -> str:
    """Benchmark band, interim target and progress of a scorecard row, as one line: what the
    executive page shows next to each KPI."""
    unit = row["unit"]
    parts = [
        ("benchmark", benchmark_text(row["benchmark_low"], row["benchmark_high"], row["benchmark_position"], unit)),
        ("interim target", interim_text(row["interim_target_days"], row["interim_target_value"],
                                        row["interim_target_met"], unit)),
        ("progress to the yearly target", progress_text(row["target_progress_rate"])),
    ]
    return " · ".join(f"{name} {text}" for name, text in parts if text) or "no benchmark or interim target"


def status_text(status: Any) -> str:
    """The shared vocabulary's words: on target, at risk, off target, beating target, no target,
    provisional, no data (a missing status reads as no data)."""
    return vocabulary.label(None if is_missing(status) else status)


def status_key(status: Any) -> str:
    """The scorecard status, no_data when missing."""
    return vocabulary.normalize(None if is_missing(status) else status)


def delta_color(direction: str) -> str:
    """st.metric colours a rise green; for lower-is-better KPIs a rise is bad."""
    return "inverse" if direction == "lower_is_better" else "normal"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def period_label(period_start: Any, frequency: str) -> str:
    """A scorecard period as people say it: 2026-10-31, week of 2026-10-19, October 2026, Q3 2026."""
    start = pd.Timestamp(period_start).date()
    if frequency == "quarterly":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    if frequency == "monthly":
        return month_label(start)
    if frequency == "weekly":
        return f"week of {start:%Y-%m-%d}"
    return f"{start:%Y-%m-%d}"


def month_label(month: date, complete: bool = True) -> str:
    return month.strftime("%B %Y") + ("" if complete else " (partial)")


def parse_number(text: str) -> float:
    """The number a formatted value shows ("$1,234", "12.5%", "-3.10", "+1.2 pp"); % and pp as shown."""
    cleaned = text.replace("$", "").replace(",", "").replace("%", "").replace("pp", "").strip()
    return float(cleaned)


# ------------------------------------------------------------------------------ publish & options

def publish_info(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """The newest publish of the serving file (main.publish_log), or None before the first."""
    if not has_table(con, "main", "publish_log"):
        return None
    cursor = con.execute("select * from main.publish_log order by published_at desc limit 1")
    names = [column[0] for column in cursor.description]
    found = cursor.fetchone()
    if found is None:
        return None
    info = dict(zip(names, found, strict=True))
    for key in ("published_at", "data_as_of"):
        info[key] = utc_naive(info.get(key))
    return info


def source_freshness(publish: dict[str, Any] | None) -> pd.DataFrame:
    """How far each source's data reaches (publish_log.data_as_of_by_source, a JSON object of
    source -> ISO timestamp), oldest first."""
    raw = (publish or {}).get("data_as_of_by_source")
    if not raw:
        return pd.DataFrame(columns=["source", "data_as_of"])
    parsed = json.loads(raw) if isinstance(raw, str) else dict(raw)
    frame = pd.DataFrame({"source": list(parsed), "data_as_of": [utc_naive(v) for v in parsed.values()]})
    return frame.sort_values("data_as_of", na_position="first").reset_index(drop=True)


def publish_tables(con: duckdb.DuckDBPyConnection, publish_id: Any) -> pd.DataFrame:
    """Row counts of the tables of a publish (main.publish_tables), empty when not recorded."""
    if publish_id is None or not has_table(con, "main", "publish_tables"):
        return pd.DataFrame(columns=["schema_name", "table_name", "row_count"])
    return rows(con, """
        select schema_name, table_name, row_count
        from main.publish_tables
        where publish_id = ?
        order by schema_name, table_name
    """, [publish_id])


def data_as_of(con: duckdb.DuckDBPyConnection, publish: dict[str, Any] | None) -> datetime | None:
    """When the data ends: the publish's data_as_of, else the newest day of the daily marts."""
    if publish and publish.get("data_as_of") is not None:
        return utc_naive(publish["data_as_of"])
    found = con.execute("select max(date_day) from marts.engagement_active_students_daily").fetchone()
    return datetime.combine(found[0], datetime.min.time()) if found and found[0] else None


def as_of_day(con: duckdb.DuckDBPyConnection) -> date | None:
    """The newest day in the daily marts (possibly partial): the tactical view's 'today'."""
    found = con.execute("""
        select max(date_day) from (
            select max(date_day) as date_day from marts.engagement_active_students_daily
            union all
            select max(date_day) from marts.platform_traffic_daily
        )
    """).fetchone()
    return found[0] if found else None


def months(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Months of the monthly scorecard, newest first, with whether each is complete."""
    return rows(con, """
        select period_start as month_start, bool_and(is_complete_period) as is_complete
        from marts.kpi_scorecard
        where frequency = 'monthly'
        group by period_start
        order by period_start desc
    """)


def default_month(month_frame: pd.DataFrame) -> date | None:
    """The newest complete month, else the newest month."""
    if month_frame.empty:
        return None
    complete = month_frame[month_frame["is_complete"]]
    chosen = complete.iloc[0] if not complete.empty else month_frame.iloc[0]
    return pd.Timestamp(chosen["month_start"]).date()


def slice_options(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    def values(sql: str) -> list[str]:
        return [row[0] for row in con.execute(sql).fetchall() if row[0] is not None]

    return {
        "categories": values("select distinct category from marts.dim_courses order by 1"),
        "instructor_tiers": values("select distinct pareto_segment from marts.instructor_performance order by 1"),
        "platforms": values("select distinct platform from marts.dim_campaigns order by 1"),
        "countries": values("select distinct country_code from marts.dim_students order by 1"),
    }


# ------------------------------------------------------------------------------------ scorecard

def scorecard_for_month(con: duckdb.DuckDBPyConnection, month: date, level: str | None = None) -> pd.DataFrame:
    """Each KPI's row for the month: a monthly KPI the month itself (complete or not); a daily,
    weekly or quarterly KPI its newest complete period ending by the month's end (the month's last
    complete day, week or quarter), else its newest period starting by then. Rows older than three
    months before the month are not shown. Ordered strategic, tactical, operational, then pillar."""
    level_sql = "and level = ?" if level else ""
    month_end = add_months(month, 1)
    params: list[Any] = [month_end, month, add_months(month, -3)] + ([level] if level else []) + [month_end]
    return rows(con, f"""
        select *
        from marts.kpi_scorecard
        where period_start < ?
            and (frequency <> 'monthly' or period_start = ?)
            and period_end >= ?
            {level_sql}
        qualify row_number() over (
            partition by kpi_id
            order by (is_complete_period and period_end < ?) desc, period_start desc
        ) = 1
        order by
            case level when 'strategic' then 0 when 'tactical' then 1 else 2 end,
            coalesce(list_position(?::varchar[], pillar), 99), frequency <> 'monthly', kpi_id
    """, [*params, list(PILLARS)])


def executive_scorecard(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The reference's executive scorecard (marts.executive_scorecard): each KPI of the monitoring
    framework with its catalog KPI's latest final period, or the source it needs."""
    return rows(con, "select * from marts.executive_scorecard order by display_order")


def coverage_summary(executive: pd.DataFrame) -> str:
    counts = executive["coverage"].value_counts()
    return (f"{len(executive)} KPIs of the monitoring framework: {int(counts.get('computed', 0))} computed from "
            f"the source systems, {int(counts.get('manual', 0))} reported by hand, "
            f"{int(counts.get('needs_source', 0))} need a source")


def kpi_history(con: duckdb.DuckDBPyConnection, kpi_ids: Iterable[str], start: date, end: date) -> pd.DataFrame:
    """KPI values by period in [start, end) for a trend."""
    return rows(con, """
        select kpi_id, kpi_name, period_start, actual_value, target_value, status, is_complete_period
        from marts.kpi_scorecard
        where kpi_id in (select unnest(?::varchar[])) and period_start >= ? and period_start < ?
        order by kpi_id, period_start
    """, [list(kpi_ids), start, end])


def headline_statuses(scorecard: pd.DataFrame) -> list[str]:
    """The statuses the overall counts are over: the month's monthly KPIs, the same set the monthly
    report and the terminal scorecard count, so every surface shows the same numbers."""
    monthly = scorecard[scorecard["frequency"] == "monthly"]
    return [status_key(status) for status in monthly["status"]]


def overall_summary(scorecard: pd.DataFrame) -> str:
    """'30 KPIs: 2 off target, 8 at risk, ...; 12 of 22 targets met' (orchestration.reports.status)."""
    return vocabulary.summary(headline_statuses(scorecard))


def targets_met(scorecard: pd.DataFrame) -> tuple[int, int]:
    """(monthly KPIs on or beating their target, monthly KPIs with a target and a final value)."""
    return vocabulary.targets_met(headline_statuses(scorecard))


def active_alerts(
    con: duckdb.DuckDBPyConnection, month: date, severities: tuple[str, ...] = ("critical", "warning", "info")
) -> pd.DataFrame:
    """Alerts (marts.kpi_alerts) on the periods the scorecard shows for the month, worst first."""
    shown = scorecard_for_month(con, month)[["kpi_id", "period_start"]]
    if shown.empty:
        return pd.DataFrame(columns=["kpi_id", "period_start", "alert_type", "severity", "alert_message"])
    con.register("shown_periods", shown)
    try:
        return rows(con, """
            select alerts.*
            from marts.kpi_alerts as alerts
            inner join shown_periods
                on alerts.kpi_id = shown_periods.kpi_id
                and alerts.period_start = cast(shown_periods.period_start as date)
            where alerts.severity in (select unnest(?::varchar[]))
            order by
                case alerts.severity when 'critical' then 0 when 'warning' then 1 else 2 end,
                alerts.pillar, alerts.kpi_id, alerts.alert_type
        """, [list(severities)])
    finally:
        con.unregister("shown_periods")


def recent_alerts(con: duckdb.DuckDBPyConnection, day: date, days: int = 7,
                  severities: tuple[str, ...] = ("critical", "warning")) -> pd.DataFrame:
    """Alerts needing attention: daily and weekly KPIs' alerts of the last `days` days up to `day`,
    monthly and quarterly KPIs' alerts of their newest complete period."""
    return rows(con, """
        with latest as (
            select frequency, max(period_start) as period_start
            from marts.kpi_scorecard
            where frequency in ('monthly', 'quarterly') and is_complete_period
            group by frequency
        )
        select alerts.*
        from marts.kpi_alerts as alerts
        left join latest on alerts.frequency = latest.frequency
        where alerts.severity in (select unnest(?::varchar[]))
            and (
                (alerts.frequency in ('daily', 'weekly') and alerts.period_start > ? and alerts.period_start <= ?)
                or alerts.period_start = latest.period_start
            )
        order by
            case alerts.severity when 'critical' then 0 when 'warning' then 1 else 2 end,
            alerts.period_start desc, alerts.kpi_id
    """, [list(severities), day - timedelta(days=days), day])


# --------------------------------------------------------------------------------- trends: revenue

def revenue_slice_of(f: Filters) -> Slice:
    """The category, instructor-tier and country filters on marts.revenue_by_slice_monthly."""
    return make_slice(f, category="category", tier="instructor_tier", country="country_code")


def revenue_trend(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[pd.DataFrame, Slice]:
    """Monthly revenue over the trend window. Without a category, tier or country slice:
    marts.revenue_monthly (net revenue, AOV, refund rate). With one: line revenue (the
    revenue_by_category_monthly definition) of the slice, summed over the rows of
    marts.revenue_by_slice_monthly it selects."""
    s = revenue_slice_of(f)
    if not s.applied:
        frame = rows(con, """
            select month_start, revenue_usd, collected_usd, refunded_usd, paid_orders,
                average_order_value_usd, refund_rate, payment_success_rate, revenue_mom_growth_rate
            from marts.revenue_monthly
            where month_start >= ? and month_start < ?
            order by month_start
        """, [f.trend_start, f.month_end])
        return frame, s
    frame = rows(con, f"""
        select month_start, sum(revenue_usd) as revenue_usd, sum(paid_usd) as paid_usd,
            sum(refunded_usd) as refunded_usd, cast(sum(paid_items) as bigint) as paid_items
        from marts.revenue_by_slice_monthly
        {s.where("month_start >= ?", "month_start < ?")}
        group by month_start
        order by month_start
    """, [f.trend_start, f.month_end, *s.params])
    return frame, s


def revenue_by(con: duckdb.DuckDBPyConnection, f: Filters, dimension: str) -> pd.DataFrame:
    """Line revenue of the selected month by category, instructor tier or country (slices applied),
    from marts.revenue_by_slice_monthly."""
    column = {"category": "category", "instructor tier": "instructor_tier", "country": "country_code"}[dimension]
    s = revenue_slice_of(f)
    return rows(con, f"""
        select {column} as "{dimension}", sum(revenue_usd) as revenue_usd
        from marts.revenue_by_slice_monthly
        {s.where("month_start = ?")}
        group by 1
        order by revenue_usd desc
    """, [f.month, *s.params])


def revenue_by_category_trend(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """marts.revenue_by_category_monthly over the window (category slice applied)."""
    s = make_slice(f, category="category")
    return rows(con, f"""
        select month_start, category, revenue_usd, category_revenue_share
        from marts.revenue_by_category_monthly
        {s.where("month_start >= ?", "month_start < ?")}
        order by month_start, category
    """, [f.trend_start, f.month_end, *s.params])


# ------------------------------------------------------------------------------ trends: monthly marts

MONTHLY_MARTS = frozenset({
    "revenue_monthly", "business_subscriptions_monthly", "business_customer_economics_monthly",
    "engagement_active_students_monthly", "engagement_new_vs_returning_monthly", "course_success_monthly",
    "instructors_monthly", "scorecard_campaigns_monthly", "scorecard_portfolio_monthly",
})


def _monthly_table(table: str) -> str:
    if table not in MONTHLY_MARTS:
        raise ValueError(f"not a month-grain mart: {table}")
    return f"marts.{table}"


def monthly_mart(con: duckdb.DuckDBPyConnection, table: str, columns: Iterable[str], f: Filters) -> pd.DataFrame:
    """Columns of a month-grain mart (month_start key) over the trend window."""
    names = ", ".join(f'"{c}"' for c in columns)
    return rows(con, f"""
        select month_start, {names}
        from {_monthly_table(table)}
        where month_start >= ? and month_start < ?
        order by month_start
    """, [f.trend_start, f.month_end])


def month_row(con: duckdb.DuckDBPyConnection, table: str, month: date) -> dict[str, Any]:
    """The row of a month-grain mart for one month ({} when the month has none)."""
    frame = rows(con, f"select * from {_monthly_table(table)} where month_start = ?", [month])
    return frame.iloc[0].to_dict() if not frame.empty else {}


# --------------------------------------------------------------------------------- instructors

def instructor_tier_trend(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Active instructors and revenue by instructor tier and month (marts.instructors_by_tier_monthly,
    tier slice applied)."""
    s = make_slice(f, tier="instructor_tier")
    return rows(con, f"""
        select month_start, instructor_tier, active_instructors, revenue_usd
        from marts.instructors_by_tier_monthly
        {s.where("month_start >= ?", "month_start < ?")}
        order by 1, 2
    """, [f.trend_start, f.month_end, *s.params])


def top_instructors(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 15) -> pd.DataFrame:
    s = make_slice(f, tier="pareto_segment")
    return rows(con, f"""
        select instructor_name, pareto_segment as instructor_tier, activity_status, published_courses,
            students, revenue_usd, revenue_share, average_rating
        from marts.instructor_performance
        {s.where()}
        order by revenue_rank
        limit {int(limit)}
    """, list(s.params))


def instructor_summary(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    frame = rows(con, "select * from marts.instructor_contribution_summary")
    return frame.iloc[0].to_dict() if not frame.empty else {}


# ---------------------------------------------------------------------------------- portfolio

def category_demand(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    s = make_slice(f, category="category")
    return rows(con, f"""
        select month_start, category, enrollments, courses_with_enrollments, courses_published, revenue_usd,
            category_enrollment_share
        from marts.category_demand_monthly
        {s.where("month_start >= ?", "month_start < ?")}
        order by month_start, category
    """, [f.trend_start, f.month_end, *s.params])


def course_portfolio(con: duckdb.DuckDBPyConnection, f: Filters, underperforming_only: bool = False,
                     limit: int = 20) -> pd.DataFrame:
    s = make_slice(f, category="portfolio.category", tier="performance.pareto_segment")
    extra = ["portfolio.is_underperforming"] if underperforming_only else []
    return rows(con, f"""
        select portfolio.course_title, portfolio.category, portfolio.lifecycle_stage,
            performance.pareto_segment as instructor_tier, portfolio.enrollments_last_90_days,
            portfolio.enrollment_trend_rate, portfolio.completion_rate, portfolio.average_rating,
            portfolio.revenue_usd
        from marts.course_portfolio as portfolio
        left join marts.instructor_performance as performance
            on portfolio.instructor_id = performance.instructor_id
        {s.where(*extra)}
        order by portfolio.revenue_usd desc
        limit {int(limit)}
    """, list(s.params))


def lifecycle_counts(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    s = make_slice(f, category="portfolio.category", tier="performance.pareto_segment")
    return rows(con, f"""
        select portfolio.lifecycle_stage, count(*) as courses,
            count(*) filter (where portfolio.is_underperforming) as underperforming
        from marts.course_portfolio as portfolio
        left join marts.instructor_performance as performance
            on portfolio.instructor_id = performance.instructor_id
        {s.where()}
        group by 1
        order by courses desc
    """, list(s.params))


# -------------------------------------------------------------------------- students & success

def cohort_slice_of(f: Filters) -> Slice:
    """The category, instructor-tier and country filters on marts.course_success_cohorts_by_slice_monthly."""
    return make_slice(f, category="category", tier="instructor_tier", country="country_code")


def enrollment_trend(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[pd.DataFrame, Slice]:
    """Enrollments, completion and certification rate by enrollment cohort month (UTC): the KPI
    definition, completed / certified within the catalog's maturity_days of enrollment. Without a
    category, tier or country slice the rates of marts.course_success_monthly; with one, the terms
    of marts.course_success_cohorts_by_slice_monthly summed over the slice (with_ratios). A cohort
    whose scorecard row is not final (it has not had its window yet) has no completion_rate, rather
    than a falsely low one: only its *_so_far rate, shown as provisional."""
    s = cohort_slice_of(f)
    if not s.applied:
        frame = rows(con, """
            select month_start, enrollments, completed_in_window_enrollments, certified_in_window_enrollments,
                completion_rate_in_window as completion_rate, certification_rate_in_window as certification_rate
            from marts.course_success_monthly
            where month_start >= ? and month_start < ? and enrollments > 0
            order by month_start
        """, [f.trend_start, f.month_end])
    else:
        frame = with_ratios(rows(con, f"""
            select month_start, cast(sum(enrollments) as bigint) as enrollments,
                cast(sum(completed_in_window_enrollments) as bigint) as completed_in_window_enrollments,
                cast(sum(certified_in_window_enrollments) as bigint) as certified_in_window_enrollments
            from marts.course_success_cohorts_by_slice_monthly
            {s.where("month_start >= ?", "month_start < ?")}
            group by month_start
            order by month_start
        """, [f.trend_start, f.month_end, *s.params]), ("completion_rate", "certification_rate"))
    final = rows(con, """
        select period_start as month_start, is_final_period
        from marts.kpi_scorecard
        where kpi_id = 'cs_completion_rate' and period_start >= ? and period_start < ?
    """, [f.trend_start, f.month_end])
    finals = {pd.Timestamp(m).date(): bool(v) for m, v in zip(final["month_start"], final["is_final_period"],
                                                              strict=True) if not is_missing(v)}
    frame["is_final_cohort"] = [finals.get(pd.Timestamp(m).date(), False) for m in frame["month_start"]]
    for rate in ("completion_rate", "certification_rate"):
        frame[f"{rate}_so_far"] = frame[rate].astype("float64")
        frame[rate] = frame[f"{rate}_so_far"].where(frame["is_final_cohort"])
    return frame, s


def enrollments_by_country(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 10) -> pd.DataFrame:
    """The selected month's enrollments by student country (category, tier and country slices
    applied), from marts.course_success_cohorts_by_slice_monthly."""
    s = cohort_slice_of(f)
    return rows(con, f"""
        select country_code as country, cast(sum(enrollments) as bigint) as enrollments
        from marts.course_success_cohorts_by_slice_monthly
        {s.where("month_start = ?")}
        group by 1
        order by enrollments desc, country
        limit {int(limit)}
    """, [f.month, *s.params])


def course_success_by_course(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 15) -> pd.DataFrame:
    """Courses with the lowest completion (at least 20 enrollments), category slice applied."""
    s = make_slice(f, category="category")
    return rows(con, f"""
        select course_title, category, enrollments, completion_rate, certification_rate, nps, csat_rate,
            avg_review_rating
        from marts.course_success_by_course
        {s.where("enrollments >= 20")}
        order by completion_rate asc nulls last
        limit {int(limit)}
    """, list(s.params))


# ---------------------------------------------------------------------------------- campaigns

CAMPAIGN_KPIS = ("ctr", "engagement_rate", "cpa_usd", "roi", "roas")
# The additive campaign measures a selection sums: spend and revenue, and the terms of CAMPAIGN_KPIS.
CAMPAIGN_SUMS = ", ".join(
    f"coalesce(sum({column}), 0) as {column}"
    for column in dict.fromkeys(["spend_usd", "attributed_revenue_usd",
                                 *(term for kpi in CAMPAIGN_KPIS for term in RATIO_TERMS[kpi])])
)


def campaign_trend(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Campaign KPIs by month and platform (marts.campaign_performance_platform_monthly), platform
    slice applied."""
    s = make_slice(f, platform="platform")
    return rows(con, f"""
        select month_start, platform, spend_usd, attributed_revenue_usd, {", ".join(CAMPAIGN_KPIS)}
        from marts.campaign_performance_platform_monthly
        {s.where("month_start >= ?", "month_start < ?")}
        order by 1, 2
    """, [f.trend_start, f.month_end, *s.params])


def campaign_month(con: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, Any]:
    """Campaign KPIs of the selected month: all platforms, the scorecard's row
    (marts.scorecard_campaigns_monthly); a selection of platforms, their rows of
    marts.campaign_performance_platform_monthly summed (with_ratios)."""
    s = make_slice(f, platform="platform")
    if not s.applied:
        frame = rows(con, f"""
            select spend_usd, attributed_revenue_usd, {", ".join(CAMPAIGN_KPIS)}
            from marts.scorecard_campaigns_monthly
            where month_start = ?
        """, [f.month])
        return frame.iloc[0].to_dict() if not frame.empty else {"spend_usd": 0, "attributed_revenue_usd": 0}
    frame = rows(con, f"""
        select {CAMPAIGN_SUMS}
        from marts.campaign_performance_platform_monthly
        {s.where("month_start = ?")}
    """, [f.month, *s.params])
    return with_ratios(frame, CAMPAIGN_KPIS).iloc[0].to_dict()


def campaigns_by_platform(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    s = make_slice(f, platform="platform")
    return rows(con, f"""
        select platform, campaigns, spend_usd, attributed_revenue_usd, roi, roas, ctr, engagement_rate, cpa_usd
        from marts.campaign_performance_by_platform
        {s.where()}
        order by spend_usd desc
    """, list(s.params))


def top_campaigns(con: duckdb.DuckDBPyConnection, f: Filters, start: date, end: date, limit: int = 10) -> pd.DataFrame:
    """Campaigns with the most attributed revenue in [start, end) (days of
    marts.campaign_performance_daily), with their KPIs over those days (with_ratios)."""
    s = make_slice(f, platform="daily.platform")
    frame = rows(con, f"""
        select campaigns.campaign_name, daily.platform, daily.influencer_tier, {CAMPAIGN_SUMS}
        from marts.campaign_performance_daily as daily
        inner join marts.dim_campaigns as campaigns on daily.campaign_id = campaigns.campaign_id
        {s.where("daily.date_day >= ?", "daily.date_day < ?")}
        group by all
        order by attributed_revenue_usd desc, campaigns.campaign_name
        limit {int(limit)}
    """, [start, end, *s.params])
    columns = ["campaign_name", "platform", "influencer_tier", "spend_usd", "attributed_revenue_usd", *CAMPAIGN_KPIS]
    return with_ratios(frame, CAMPAIGN_KPIS)[columns]


# ------------------------------------------------------------------------------------ tactical

def day_numbers(con: duckdb.DuckDBPyConnection, day: date, f: Filters, hours: int | None = None) -> dict[str, Any]:
    """The tactical 'today' figures for one UTC day: active students and web traffic (whole
    platform), orders and collected revenue (country slice), enrollments (category, tier, country
    slices), campaign spend and attributed revenue (platform slice).

    With `hours`, only the day's first `hours` hours count (like for like: a partial today against
    the same hours of the day before): traffic from marts.platform_traffic_day_to_hour at that many
    hours elapsed, orders and enrollments from their hourly marts; active students and campaign
    spend exist per whole day only, so they are None (not compared) rather than a whole day
    against a part of one."""
    elapsed = 24 if hours is None else hours
    result: dict[str, Any] = {"sessions": None, "conversion_rate": None, "bounce_rate": None, "active_students": None,
                              "campaign_spend_usd": None, "campaign_revenue_usd": None}
    traffic = rows(con, """
        select sessions, conversion_rate, bounce_rate
        from marts.platform_traffic_day_to_hour
        where date_day = ? and hours_elapsed = ?
    """, [day, elapsed])
    if not traffic.empty:
        result.update(traffic.iloc[0].to_dict())
    orders_slice = make_slice(f, country="country_code")
    result.update(rows(con, f"""
        select cast(coalesce(sum(orders), 0) as bigint) as orders,
            cast(coalesce(sum(paid_orders), 0) as bigint) as paid_orders,
            coalesce(sum(collected_usd), 0) as collected_usd
        from marts.revenue_orders_hourly
        {orders_slice.where("date_day = ?", "hour_of_day < ?")}
    """, [day, elapsed, *orders_slice.params]).iloc[0].to_dict())
    enrollment_slice = make_slice(f, category="category", tier="instructor_tier", country="country_code")
    result.update(rows(con, f"""
        select cast(coalesce(sum(enrollments), 0) as bigint) as enrollments
        from marts.engagement_enrollments_hourly
        {enrollment_slice.where("date_day = ?", "hour_of_day < ?")}
    """, [day, elapsed, *enrollment_slice.params]).iloc[0].to_dict())
    if hours is None:
        active = rows(con, "select active_students from marts.engagement_active_students_daily where date_day = ?",
                      [day])
        if not active.empty:
            result["active_students"] = active.iloc[0]["active_students"]
        campaign_slice = make_slice(f, platform="platform")
        result.update(rows(con, f"""
            select coalesce(sum(spend_usd), 0) as campaign_spend_usd,
                coalesce(sum(attributed_revenue_usd), 0) as campaign_revenue_usd
            from marts.campaign_performance_daily
            {campaign_slice.where("date_day = ?")}
        """, [day, *campaign_slice.params]).iloc[0].to_dict())
    return result


def elapsed_hours(day: date, as_of: datetime | None) -> int | None:
    """Whole hours of `day` the data covers when it is partial (the as-of time falls inside it),
    None when the day is complete: the part of the day before to compare it with."""
    if as_of is None:
        return None
    start = datetime.combine(day, datetime.min.time())
    if as_of >= start + timedelta(days=1):
        return None
    return max(0, int((as_of - start).total_seconds() // 3600))


def dq_scores(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Scores by standard of the newest validation run (audit.dq_scores)."""
    if not has_table(con, "audit", "dq_scores"):
        return pd.DataFrame(columns=["run_id", "standard", "expectations", "met", "score", "validated_at"])
    return rows(con, """
        with latest as (
            select run_id from audit.dq_scores order by validated_at desc, run_id desc limit 1
        )
        select run_id, standard, expectations, met, score, validated_at
        from audit.dq_scores
        where run_id = (select run_id from latest)
        order by case standard when 'overall' then 0 else 1 end, standard
    """)


def dq_failures(con: duckdb.DuckDBPyConnection, run_id: Any) -> pd.DataFrame:
    """Failed expectations of a validation run (audit.dq_results), critical first."""
    if run_id is None or not has_table(con, "audit", "dq_results"):
        return pd.DataFrame(columns=["severity", "standard", "table_name", "expectation", "observed_value"])
    return rows(con, """
        select severity, standard, table_name, expectation, observed_value
        from audit.dq_results
        where run_id = ? and not success
        order by case severity when 'critical' then 0 else 1 end, standard, table_name
    """, [run_id])


HISTORICAL_NOTE = "declared with --historical; timeliness not applicable, so data age is not judged."


def is_historical(publish: dict[str, Any] | None) -> bool:
    """Whether the publish carries a historical export (publish_log.timeliness)."""
    return bool(publish) and publish.get("timeliness") == TIMELINESS_NOT_APPLICABLE


def freshness(published_at: Any, as_of: Any, now: datetime) -> dict[str, Any]:
    """Hours since the data's as-of time and since the last publish, against the 24-hour
    timeliness standard (timestamps are UTC, naive)."""
    def hours(value: Any) -> float | None:
        stamp = utc_naive(value)
        return None if stamp is None else (utc_naive(now) - stamp).total_seconds() / 3600

    data_age, publish_age = hours(as_of), hours(published_at)
    return {"data_age_hours": data_age, "publish_age_hours": publish_age,
            "is_timely": data_age is not None and data_age <= TIMELINESS_HOURS}


def attention_items(con: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, pd.DataFrame]:
    """Beyond alerts: at-risk instructors and underperforming courses (tier/category slices)."""
    tier_slice = make_slice(f, tier="pareto_segment")
    at_risk = rows(con, f"""
        select instructor_name, pareto_segment as instructor_tier, activity_status, days_since_last_activity,
            revenue_usd
        from marts.instructor_performance
        {tier_slice.where("is_at_risk")}
        order by revenue_usd desc
    """, list(tier_slice.params))
    return {"at_risk_instructors": at_risk,
            "underperforming_courses": course_portfolio(con, f, underperforming_only=True, limit=15)}


# ------------------------------------------------------------------ why is it red (marts.kpi_drivers)

RED_STATUSES = ("off_target", "at_risk")
DRIVER_COLUMNS = ["slice", "dimension", "slice_value", "contribution", "rate_effect", "mix_effect", "value",
                  "prior_value", "weight", "prior_weight"]


def red_kpis(scorecard: pd.DataFrame, alerts: pd.DataFrame) -> pd.DataFrame:
    """The shown monthly and daily KPIs off target, at risk or alerted (the monthly and daily
    reports' 'Why is it red'), off target first, then at risk, then alerted only; by name within
    each. Each row is read at its own period (the month; a daily KPI's shown day)."""
    compared = scorecard[scorecard["frequency"].isin(DRIVER_PERIODS)]
    alerted = set(alerts["kpi_id"]) if not alerts.empty else set()
    red = compared[compared["status"].isin(RED_STATUSES) | compared["kpi_id"].isin(alerted)].copy()
    red["is_alerted"] = red["kpi_id"].isin(alerted)
    red["red_order"] = red["status"].map({"off_target": 0, "at_risk": 1}).fillna(2)
    return red.sort_values(["red_order", "kpi_name"]).drop(columns="red_order").reset_index(drop=True)


def driver_basis(row: pd.Series | dict[str, Any]) -> str:
    """How a red KPI's slices are read, as in the monthly report: 'change' when the scorecard
    compares it with the month before (both final), else 'target' (each slice's part of the gap
    to the target) when it has one, else 'none'."""
    if not is_missing(row.get("prior_value")) and not is_missing(row.get("change_value")) and row["change_value"]:
        return "change"
    if not is_missing(row.get("target_value")) and not is_missing(row.get("actual_value")):
        return "target"
    return "none"


def kpi_drivers(con: duckdb.DuckDBPyConnection, kpi_id: str, period_start: date, basis: str,
                target: float | None = None, limit: int = 10) -> pd.DataFrame:
    """A KPI's slices in its period (a month, or a daily KPI's day) from marts.kpi_drivers. basis
    'change': by contribution to the change vs the period before (rate and mix effects), largest
    absolute first; 'target': each
    slice's part of the gap to the target (level - weight x target), the slices on the wrong side
    of it for the KPI's direction, furthest first. Empty without the mart, for 'none' or a KPI
    the mart does not slice."""
    if basis not in ("change", "target") or not has_table(con, "marts", "kpi_drivers"):
        return pd.DataFrame(columns=DRIVER_COLUMNS)
    from orchestration.reports.drivers import NEGLIGIBLE, slice_label

    if basis == "change":
        contribution, condition, order = "contribution_value", "abs(contribution_value) > ?", "driver_rank"
        params: list[Any] = [kpi_id, period_start, NEGLIGIBLE]
    else:
        contribution = "level_value - weight_share * ?"
        condition = ("decomposition_method = 'ratio' and "
                     "case direction when 'lower_is_better' then -1 else 1 end * (level_value - weight_share * ?) < -?")
        order = "case direction when 'lower_is_better' then -1 else 1 end * contribution, dimension, slice_value"
        params = [target, kpi_id, period_start, target, NEGLIGIBLE]
    frame = rows(con, f"""
        select
            dimension, slice_value, {contribution} as contribution, rate_effect_value as rate_effect,
            mix_effect_value as mix_effect, slice_rate_value as value, prior_slice_rate_value as prior_value,
            weight_share as weight, prior_weight_share as prior_weight
        from marts.kpi_drivers
        where kpi_id = ? and period_start = ? and {condition}
        order by {order}
        limit {int(limit)}
    """, params)
    frame.insert(0, "slice", [slice_label(d, s) for d, s in zip(frame["dimension"], frame["slice_value"], strict=True)])
    return frame[DRIVER_COLUMNS]


def has_slices(con: duckdb.DuckDBPyConnection, kpi_id: str, period_start: date) -> bool:
    """Whether marts.kpi_drivers breaks the KPI down by slice (in any period up to this one)."""
    if not has_table(con, "marts", "kpi_drivers"):
        return False
    found = con.execute("select count(*) from marts.kpi_drivers where kpi_id = ? and period_start <= ?",
                        [kpi_id, period_start]).fetchone()
    return bool(found and found[0])


def drivers_table(drivers: pd.DataFrame, unit: str, basis: str) -> pd.DataFrame:
    """The drivers as the drill-down shows them: effects in the KPI's unit (pp for rates), the
    slice's value and share of the volume now and before."""
    from orchestration.reports.drivers import format_delta

    def share(value: Any) -> str:
        return "n/a" if is_missing(value) else f"{value * 100:.1f}%"

    table = pd.DataFrame(
        {
            "Slice": drivers["slice"],
            "Part of the gap" if basis == "target" else "Contribution": [
                format_delta(v, unit) for v in drivers["contribution"]
            ],
        }
    )
    if basis == "change":
        table["Rate effect"] = [None if is_missing(v) else format_delta(v, unit) for v in drivers["rate_effect"]]
        table["Mix effect"] = [None if is_missing(v) else format_delta(v, unit) for v in drivers["mix_effect"]]
        table["Before"] = [format_value(v, unit) for v in drivers["prior_value"]]
    table["Now"] = [format_value(v, unit) for v in drivers["value"]]
    if basis == "change":
        table["Share before"] = [share(v) for v in drivers["prior_weight"]]
    table["Share now"] = [share(v) for v in drivers["weight"]]
    return table
