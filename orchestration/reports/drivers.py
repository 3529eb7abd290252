"""'Why is it red': for each KPI of a monthly or daily report that is off target, at risk or
alerted, the slices that moved it, read from marts.kpi_drivers (the change decomposed into rate and
mix effects per slice of its dimensions), in plain words. The period is the report's: a month (the
monthly KPIs' slices) or a day (the daily KPIs', e.g. session conversion by channel and device).

- Compared with the period before (the scorecard has a final prior value): the slices with the
  largest absolute contribution to the change, each with its rate effect (the slice's own value
  moved) and mix effect (the slice grew or shrank).
- Not compared (the period before is not final: like for like): the slices furthest from the
  target, each's part of the gap, level - weight x target (the parts sum to value - target).
- A KPI that kpi_drivers does not slice says so.

Reads the period's rows only, so the section is the same whenever the report is generated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from orchestration.reports.formatting import MISSING, fixed, format_value
from orchestration.reports.model import KpiLine

RED_STATUSES = ("off_target", "at_risk")
# The frequencies marts.kpi_drivers compares a period of with the one before, and the period's
# name in the words: the month before, the day before (weekly and quarterly KPIs have no slices).
DRIVER_PERIODS = {"monthly": "month", "daily": "day"}
TOP_DRIVERS = 3
NO_SLICES = "no slice data: this KPI is not broken down by category, tier, country, channel or platform"
NO_DRIVERS = "no slice moved it, and the period before is not comparable"
# A contribution smaller than this (in the KPI's unit) is no driver: float noise of an exact zero.
NEGLIGIBLE = 1e-9

DIMENSION_LABELS = {
    "category": "Category",
    "instructor_tier": "Instructor tier",
    "student_country": "Country",
    "payment_method": "Payment method",
    "channel": "Channel",
    "device_category": "Device",
    "campaign_platform": "Platform",
    "influencer_tier": "Influencer tier",
}
SLICE_LABELS = {"top_10_pct": "top 10%", "long_tail": "long tail"}


@dataclass(frozen=True)
class Driver:
    """One slice of a KPI in the period (a kpi_drivers row)."""

    dimension: str
    slice_value: str
    value: float | None  # the KPI within the slice this period (additive: the slice's value)
    prior_value: float | None
    weight: float  # share of the KPI's denominator (additive: of its value)
    prior_weight: float
    contribution: float  # to the change; on the target basis, to the gap from target
    rate_effect: float | None  # ratio KPIs on the change basis
    mix_effect: float | None
    numerator: float | None  # the slice's numerator this period (a refund without sales ...)


@dataclass(frozen=True)
class Explanation:
    """Why one KPI is red: `basis` is 'change' (vs the period before), 'target' (gap to target,
    when the period before is not comparable) or 'none' (`reason` says why), and its top drivers;
    `period` names the period in the words ('month' or 'day')."""

    line: KpiLine
    alerted: bool
    basis: str
    drivers: tuple[Driver, ...] = ()
    reason: str = ""
    period: str = "month"


def is_red(line: KpiLine, alerted: set[str]) -> bool:
    return line.status in RED_STATUSES or line.kpi_id in alerted


def slice_label(dimension: str, slice_value: str) -> str:
    """'Category data_science', 'Instructor tier top 10%'."""
    name = DIMENSION_LABELS.get(dimension, dimension.replace("_", " ").capitalize())
    return f"{name} {SLICE_LABELS.get(slice_value, slice_value)}"


def format_delta(value: float | None, unit: str) -> str:
    """A signed contribution in the KPI's unit: rates in percentage points (+1.6 pp), scores in
    points (+1.2 pts), money and counts signed (-$1,234), ratios with two decimals (+0.12); one
    that rounds to zero has no sign."""
    if value is None:
        return MISSING
    if unit == "rate":
        magnitude, suffix = fixed(abs(value) * 100, 1), " pp"
    elif unit == "score":
        magnitude, suffix = fixed(abs(value), 1), " pts"
    else:
        magnitude, suffix = format_value(abs(value), unit), ""
    sign = "" if set(magnitude) <= set("$0.,") else ("-" if value < 0 else "+")
    return f"{sign}{magnitude}{suffix}"


def _verb(change: float) -> str:
    return "rose" if change > 0 else "fell"


def headline_text(explanation: Explanation, compared: str) -> str:
    """What a red KPI did, after its name: how it moved vs the period before ('rose 2.1 pp vs May
    2026 (4.0% → 6.1%).'), or where it stands against its target, or why there are no drivers."""
    line = explanation.line
    unit = line.unit
    now = format_value(line.actual, unit)
    if explanation.basis == "change" and line.change_value is not None and line.baseline is not None:
        return (
            f"{_verb(line.change_value)} {format_delta(line.change_value, unit).lstrip('+-')}"
            f" vs {compared} ({format_value(line.baseline, unit)} → {now})."
        )
    if explanation.basis == "target" and line.target is not None and line.actual is not None:
        return (
            f"{now} against a target of {format_value(line.target, unit)}"
            f" ({format_delta(line.actual - line.target, unit)}); not compared with {compared}"
            f" (not a final {explanation.period}: like for like), so its slices are read against the target."
        )
    return f"{now}; {explanation.reason}."


def driver_text(driver: Driver, unit: str, basis: str, period: str = "month") -> str:
    """One driver in plain words, e.g. 'Category data_science: +1.6 pp (rate +1.4 pp: 5.0% →
    9.0%; mix +0.2 pp: share 30.0% → 32.0%)'."""
    label = slice_label(driver.dimension, driver.slice_value)
    if basis == "target":
        if driver.value is None:
            detail = f"{fixed(driver.numerator or 0.0, 2)} in the numerator, nothing in the denominator this {period}"
        else:
            detail = f"{format_value(driver.value, unit)} on {format_value(driver.weight, 'rate')} of the volume"
        return f"{label}: {format_delta(driver.contribution, unit)} of the gap ({detail})"
    if driver.prior_value is None and driver.prior_weight == 0 and driver.value is not None:
        return (
            f"{label}: {format_delta(driver.contribution, unit)}"
            f" (new this {period}: {format_value(driver.value, unit)}"
            f" on {format_value(driver.weight, 'rate')} of the volume)"
        )
    if driver.value is None and driver.weight == 0 and driver.prior_value is not None:
        return (
            f"{label}: {format_delta(driver.contribution, unit)}"
            f" (gone this {period}: {format_value(driver.prior_value, unit)}"
            f" on {format_value(driver.prior_weight, 'rate')} before)"
        )
    moved = f"{format_value(driver.prior_value, unit)} → {format_value(driver.value, unit)}"
    if driver.rate_effect is None or driver.mix_effect is None:
        return f"{label}: {format_delta(driver.contribution, unit)} ({moved})"
    return (
        f"{label}: {format_delta(driver.contribution, unit)}"
        f" (rate {format_delta(driver.rate_effect, unit)}: {moved};"
        f" mix {format_delta(driver.mix_effect, unit)}:"
        f" share {format_value(driver.prior_weight, 'rate')} → {format_value(driver.weight, 'rate')})"
    )


# ----------------------------------------------------------------------------------------- reading

_DRIVER_COLUMNS = """
    dimension, slice_value, slice_rate_value, prior_slice_rate_value, weight_share, prior_weight_share,
    {contribution} as contribution, rate_effect_value, mix_effect_value, numerator_value
"""


def _has_drivers(con: duckdb.DuckDBPyConnection) -> bool:
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'marts' and table_name = 'kpi_drivers'"
    ).fetchone()
    return bool(found and found[0])


def _change_drivers(con: duckdb.DuckDBPyConnection, kpi_id: str, period_start: date) -> tuple[Driver, ...]:
    rows = con.execute(
        f"""
        select {_DRIVER_COLUMNS.format(contribution='contribution_value')}
        from marts.kpi_drivers
        where kpi_id = $kpi and period_start = $period and abs(contribution_value) > $negligible
        order by driver_rank
        limit $top
        """,
        {"kpi": kpi_id, "period": period_start, "negligible": NEGLIGIBLE, "top": TOP_DRIVERS},
    ).fetchall()
    return tuple(Driver(*row) for row in rows)


def _target_drivers(con: duckdb.DuckDBPyConnection, line: KpiLine, period_start: date) -> tuple[Driver, ...]:
    """The slices pulling the KPI furthest to the wrong side of its target: level - weight x
    target, adverse for the KPI's direction, largest first."""
    sign = -1.0 if line.direction == "lower_is_better" else 1.0
    rows = con.execute(
        f"""
        select {_DRIVER_COLUMNS.format(contribution='level_value - weight_share * $target')}
        from marts.kpi_drivers
        where
            kpi_id = $kpi and period_start = $period and decomposition_method = 'ratio'
            and $sign * (level_value - weight_share * $target) < -$negligible
        order by $sign * (level_value - weight_share * $target), dimension, slice_value
        limit $top
        """,
        {"kpi": line.kpi_id, "period": period_start, "target": line.target, "sign": sign, "negligible": NEGLIGIBLE,
         "top": TOP_DRIVERS},
    ).fetchall()
    return tuple(Driver(*row) for row in rows)


def explain(
    con: duckdb.DuckDBPyConnection,
    period_start: date,
    kpis: tuple[KpiLine, ...],
    alerted: set[str],
    period: str = "month",
) -> tuple[Explanation, ...]:
    """The red KPIs of a period (a month or a day: off target, at risk or alerted), each with its
    drivers."""
    red = [line for line in kpis if is_red(line, alerted)]
    if not red:
        return ()
    sliced: set[str] = set()
    if _has_drivers(con):
        sliced = {row[0] for row in con.execute(
            "select distinct kpi_id from marts.kpi_drivers where period_start <= $period", {"period": period_start}
        ).fetchall()}
    return tuple(
        _explain_one(con, period_start, line, line.kpi_id in alerted, line.kpi_id in sliced, period) for line in red
    )


def _explain_one(
    con: duckdb.DuckDBPyConnection, period_start: date, line: KpiLine, alerted: bool, sliced: bool, period: str
) -> Explanation:
    if not sliced:
        return Explanation(line, alerted, "none", reason=NO_SLICES, period=period)
    if line.baseline is not None and line.change_value:
        drivers = _change_drivers(con, line.kpi_id, period_start)
        if drivers:
            return Explanation(line, alerted, "change", drivers, period=period)
    if line.target is not None and line.actual is not None:
        drivers = _target_drivers(con, line, period_start)
        if drivers:
            return Explanation(line, alerted, "target", drivers, period=period)
    return Explanation(line, alerted, "none", reason=NO_DRIVERS, period=period)
