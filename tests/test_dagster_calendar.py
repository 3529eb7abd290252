"""Pure logic behind the Dagster schedules, the landing sensor and the GX check mapping (fast: no
definitions are loaded, no warehouse is built)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import dagster as dg
import pytest

from orchestration.defs.automation import landing_decision
from orchestration.defs.calendar import (
    is_first_monday_of_month,
    is_first_monday_of_quarter,
    period_to_report,
    report_due,
    schedule_timezone,
)
from orchestration.defs.gx import LEDGER_KEY, gx_checks, stage_of, target_key


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def test_first_monday_of_month_is_the_only_monday_in_days_1_to_7():
    for day in days(date(2024, 1, 1), date(2027, 12, 31)):
        mondays_so_far = [d for d in days(day.replace(day=1), day) if d.weekday() == 0]
        assert is_first_monday_of_month(day) == (day.weekday() == 0 and len(mondays_so_far) == 1), day


def test_cron_or_semantics_trap_is_avoided():
    # `0 9 1-7 * 1` would also fire on Thursday 1 January 2026 and on every later Monday
    assert not report_due("month", date(2026, 1, 1))
    assert report_due("month", date(2026, 1, 5))
    assert not report_due("month", date(2026, 1, 12))
    assert report_due("month", date(2026, 6, 1))  # a month starting on a Monday
    assert not report_due("month", date(2026, 6, 8))


def test_first_monday_of_quarter():
    due = [d for d in days(date(2026, 1, 1), date(2026, 12, 31)) if is_first_monday_of_quarter(d)]
    assert due == [date(2026, 1, 5), date(2026, 4, 6), date(2026, 7, 6), date(2026, 10, 5)]
    assert [d for d in days(date(2026, 1, 1), date(2026, 12, 31)) if report_due("quarter", d)] == due


def test_weekly_and_daily_reports_are_due():
    assert report_due("week", date(2026, 11, 23))  # a Monday
    assert not report_due("week", date(2026, 11, 24))
    assert all(report_due("day", d) for d in days(date(2026, 11, 1), date(2026, 11, 30)))
    with pytest.raises(ValueError):
        report_due("year", date(2026, 1, 1))


def test_each_report_covers_the_period_that_just_ended():
    assert period_to_report("day", date(2026, 11, 23)) == "2026-11-22"
    assert period_to_report("day", date(2026, 1, 1)) == "2025-12-31"
    assert period_to_report("week", date(2026, 11, 23)) == "2026-W47"  # 16-22 November 2026
    assert period_to_report("week", date(2026, 1, 5)) == "2026-W01"  # ISO week 1 is 29 Dec - 4 Jan
    assert period_to_report("week", date(2021, 1, 4)) == "2020-W53"
    assert period_to_report("month", date(2026, 12, 7)) == "2026-11"
    assert period_to_report("month", date(2026, 1, 5)) == "2025-12"
    assert period_to_report("quarter", date(2026, 1, 5)) == "2025-Q4"
    assert period_to_report("quarter", date(2026, 4, 6)) == "2026-Q1"
    assert period_to_report("quarter", date(2026, 10, 5)) == "2026-Q3"


def test_period_keys_are_what_the_reports_cli_reads():
    from orchestration.reports.periods import CADENCES, parse_period, period_key

    for frequency in ("day", "week", "month", "quarter"):
        for day in (date(2026, 1, 5), date(2026, 4, 6), date(2026, 11, 23)):
            key = period_to_report(frequency, day)
            cadence = CADENCES[frequency]
            start = parse_period(cadence, key)
            assert period_key(cadence, start) == key
            assert start < day  # a period that has ended


def test_schedule_timezone_defaults_to_utc_and_is_validated():
    assert schedule_timezone({}) == "UTC"
    assert schedule_timezone({"SCHEDULE_TIMEZONE": "Europe/Madrid"}) == "Europe/Madrid"
    with pytest.raises(ValueError, match="SCHEDULE_TIMEZONE"):
        schedule_timezone({"SCHEDULE_TIMEZONE": "Mars/Olympus"})


def test_landing_sensor_takes_stock_first_then_waits_for_files_to_settle():
    files = {"marketplace/orders/orders_2026-11.csv": "100:1"}
    start, cursor, why = landing_decision(files, None)
    assert not start and "took stock" in why
    start, cursor, _ = landing_decision(files, cursor)
    assert not start  # nothing new

    grown = {**files, "marketplace/orders/orders_2026-12.csv": "50:2"}
    start, cursor, why = landing_decision(grown, cursor)
    assert not start and "settle" in why
    still_growing = {**files, "marketplace/orders/orders_2026-12.csv": "80:3"}
    start, cursor, _ = landing_decision(still_growing, cursor)
    assert not start
    start, cursor, why = landing_decision(still_growing, cursor)
    assert start and "orders_2026-12.csv" in why
    start, cursor, _ = landing_decision(still_growing, cursor)
    assert not start  # handed to a run once

    changed = {**still_growing, "marketplace/orders/orders_2026-11.csv": "120:4"}
    assert not landing_decision(changed, cursor)[0]
    assert landing_decision(changed, landing_decision(changed, cursor)[1])[0]

    removed = {"marketplace/orders/orders_2026-12.csv": "80:3"}
    start, cursor, _ = landing_decision(removed, cursor)
    assert not start and json.loads(cursor)["seen"] == removed


def test_gx_expectations_map_to_the_tables_they_validate():
    batch = {"schema": "staging", "table": "base_marketplace__orders"}
    assert target_key("raw.orders", batch) == dg.AssetKey(["staging", "base_marketplace__orders"])
    assert target_key("staging.stg_marketplace__orders", batch) == dg.AssetKey(["staging", "stg_marketplace__orders"])
    assert target_key("source billing", {"schema": "raw", "table": "load_ledger"}) == dg.AssetKey(["raw", "billing"])
    assert target_key("raw.load_ledger", {"schema": "raw", "table": "load_ledger"}) == LEDGER_KEY
    assert target_key("marts.fct_orders", {"schema": "marts", "table": "fct_orders"}) == dg.AssetKey(
        ["marts", "fct_orders"]
    )
    assert stage_of("landing") == "landing"
    assert stage_of("timeliness") == stage_of("entity__orders") == "staging"
    assert stage_of("mart__fct_orders") == stage_of("consistency") == "marts"


def test_completeness_and_accuracy_checks_block_the_others_do_not():
    checks = gx_checks(["landing", "staging", "marts"])
    by_standard: dict[str, set[bool]] = {}
    for check in checks:
        by_standard.setdefault(check.standard, set()).add(check.spec().blocking)
    assert by_standard["completeness"] == {True}
    assert by_standard["accuracy"] == {True}
    assert by_standard["timeliness"] == {False}
    assert by_standard.get("consistency", {False}) == {False}
    orders = {c.name for c in checks if c.asset_key == dg.AssetKey(["staging", "base_marketplace__orders"])}
    assert orders == {"gx_completeness", "gx_accuracy", "gx_consistency"}  # consistency: conflicting files
