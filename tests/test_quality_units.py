"""Suite files, definitions and the pure score/verdict functions (no warehouse, no GX)."""

from __future__ import annotations

from datetime import datetime

import duckdb

from orchestration.contracts import ENTITIES, MANUAL, TIMED_SOURCES
from orchestration.quality.definitions import CRITICAL, RECONCILIATIONS, STANDARDS, WARNING, all_suites
from orchestration.quality.standards import ResultRow, describe, failed_standards, scores
from orchestration.quality.suites import load_documents, stale_files


def test_suite_files_are_up_to_date() -> None:
    assert stale_files() == [], "run: python -m orchestration.quality render"


def test_every_expectation_names_its_standard_severity_and_table() -> None:
    names = set()
    for document in load_documents():
        assert document["meta"]["batch"]["table"]
        for expectation in document["expectations"]:
            meta = expectation["meta"]
            assert meta["standard"] in STANDARDS and meta["severity"] in (CRITICAL, WARNING) and meta["table"]
            assert (meta["severity"] == WARNING) == (meta["standard"] == "consistency")
            names.add(meta["name"])
            if expectation["type"] == "unexpected_rows_expectation":
                assert "{batch}" in expectation["kwargs"]["unexpected_rows_query"]
    assert len(names) == sum(len(d["expectations"]) for d in load_documents())  # names are unique


def test_every_entity_has_completeness_and_accuracy_and_every_source_timeliness() -> None:
    suites = {s.name: s for s in all_suites()}
    for entity in ENTITIES:
        standards = {e["meta"]["standard"] for e in suites[f"entity__{entity.name}"].expectations}
        assert {"completeness", "accuracy"} <= standards, entity.name
    tables = {e["meta"]["table"] for e in suites["timeliness"].expectations}
    assert tables == {f"source {s}" for s in TIMED_SOURCES}
    assert {e.source for e in ENTITIES} - set(TIMED_SOURCES) == {MANUAL}  # reported on the KPIs' schedules


def _row(standard: str, success: bool, severity: str = CRITICAL) -> ResultRow:
    return ResultRow(
        "r", "s", f"{standard} check", standard, "raw.t", "observed", success, severity, datetime(2026, 1, 1)
    )


def test_scores_and_verdict() -> None:
    rows = [_row("completeness", True)] * 3 + [_row("accuracy", False), _row("consistency", False, WARNING)]
    by_standard = {s.standard: (s.met, s.expectations) for s in scores(rows)}
    assert by_standard == {"overall": (3, 5), "completeness": (3, 3), "accuracy": (0, 1), "consistency": (0, 1)}
    assert failed_standards(rows) == ["accuracy"]  # a failed warning does not fail the run
    assert describe(rows[3]) == "[accuracy] accuracy check — table raw.t: observed"


def _revenue_mismatches(
    mart_revenue: float | None, refunds: list[tuple[str, float]], payment: float = 100.0, usd_per_unit: float = 1.0
) -> list[tuple]:
    """The revenue reconciliation over one paid order of `payment` (at `usd_per_unit`, a double as
    in int_exchange_rates_daily) in January 2026 and `refunds` (refunded_at, at the same rate),
    against a mart that says `mart_revenue` for that month."""
    [(_, query)] = RECONCILIATIONS["revenue_monthly"]
    with duckdb.connect() as con:
        con.execute("create schema staging; create schema intermediate")
        con.execute(
            "create table intermediate.int_exchange_rates_daily as "
            "select 'USD' as currency_code, date '2026-01-10' as date_day, ?::double as usd_per_unit",
            [usd_per_unit],
        )
        con.execute(
            "create table staging.stg_marketplace__orders as "
            "select 'O1' as order_id, timestamp '2026-01-10 10:00' as ordered_at"
        )
        con.execute(
            "create table staging.stg_marketplace__payments as select 'O1' as order_id, "
            "?::decimal(18, 2) as payment_amount, 'USD' as currency_code, "
            "timestamp '2026-01-10 10:01' as attempted_at, 'succeeded' as payment_status",
            [payment],
        )
        con.execute(
            "create table staging.stg_marketplace__refunds "
            "(refund_amount decimal(18, 2), currency_code varchar, refunded_at timestamp)"
        )
        for refunded_at, amount in refunds:
            con.execute("insert into staging.stg_marketplace__refunds values (?, 'USD', ?)", [amount, refunded_at])
        con.execute(
            "create table mart as select date '2026-01-01' as month_start, ?::decimal(18, 2) as revenue_usd",
            [mart_revenue],
        )
        return con.execute(query.format(batch="mart")).fetchall()


def test_revenue_reconciles_to_no_data_when_an_export_has_no_refunds() -> None:
    assert _revenue_mismatches(None, []) == []  # no refunds staged: the mart's revenue is no data
    assert _revenue_mismatches(100.0, []) != []  # not collected less a zero
    assert _revenue_mismatches(90.0, [("2026-01-10 12:00", 10.0)]) == []
    assert _revenue_mismatches(None, [("2026-01-10 12:00", 10.0)]) != []


def test_revenue_reconciles_a_half_cent_conversion_as_the_mart_rounds_it() -> None:
    # 10.03 x 1.5 = 15.045: exact decimals round it to 15.05 (commerce_to_usd); a double product
    # is 15.04499.. and rounds to 15.04
    assert _revenue_mismatches(15.05, [("2026-01-10 12:00", 0.0)], payment=10.03, usd_per_unit=1.5) == []
    assert _revenue_mismatches(15.04, [("2026-01-10 12:00", 0.0)], payment=10.03, usd_per_unit=1.5) != []
