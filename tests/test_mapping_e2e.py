"""A messy export lands through its source mapping: renamed columns, a file pattern of its own,
five timestamp formats in a local time zone, one of them ambiguous, status synonyms, a column the
export lacks. Every row is staged or quarantined with the right reason; nothing is guessed."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.dbt_runner import run_dbt
from orchestration.landing import land
from orchestration.mapping import load_mappings
from orchestration.render_sources import BASE_MODEL_UNIT_TESTS, render, render_project
from orchestration.render_staging import stale_files
from orchestration.scratch_project import scratch_project
from orchestration.settings import PROJECT_DIR, Settings

pytestmark = pytest.mark.slow

GOLDEN_LANDING = Path(__file__).parent / "golden" / "landing"
MAPPING = """
source: marketplace
timezone: Asia/Kolkata
timestamp_formats: [iso8601, "%d-%b-%Y", "%d/%m/%Y %H:%M:%S", "%d-%m-%Y", "%m-%d-%Y"]
entities:
  payments:
    files: "exports/Payments*.csv"
    columns: {payment_id: PaymentID, order_id: OrderID, attempted_at: PaymentDate, method: Method,
              amount: Amount, currency: Currency, status: Status}
    values:
      status: {Successful: succeeded, Success: succeeded, Failure: failed}
    defaults: {failure_reason: null}
"""
EXPORT = """PaymentID,OrderID,PaymentDate,Method,Amount,Currency,Status
PAY-101,9,06-Mar-2026,card,59.50,EUR,Successful
102,10,21/03/2026 14:45:05,card,90.00,EUR,Success
103,11,2026-03-25,card,36.00,EUR,Failure
104,9,07-03-2026,card,59.50,EUR,Successful
105,9,13-03-2026,card,59.50,EUR,SUCCESS
106,10,2026-03-22T10:00:00+05:30,card,90.00,EUR,successful
107,10,yesterday,card,90.00,EUR,Success
108,10,2026-03-23,card,90.00,EUR,Pending??
"""


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("messy")
    landing, mappings_dir = root / "landing", root / "mappings"
    shutil.copytree(GOLDEN_LANDING, landing)
    shutil.rmtree(landing / "marketplace" / "payments")  # this system exports payments its own way
    (landing / "marketplace" / "exports").mkdir()
    (landing / "marketplace" / "exports" / "Payments 2026.csv").write_text(EXPORT)
    mappings_dir.mkdir()
    (mappings_dir / "marketplace.yml").write_text(MAPPING)
    settings = Settings(warehouse_path=root / "warehouse.duckdb", landing_dir=landing, mapping_dir=mappings_dir)
    mappings = load_mappings(mappings_dir)
    report = land(landing, settings.warehouse_path, mappings=mappings)
    assert not report.failed, report.failed
    # the user's checkout would hold this rendering (`python -m orchestration.render_sources`)
    project = scratch_project(root / "project", mappings)
    # the base models' unit tests state the shipped mappings, not this one
    args = ["build", "--select", "+path:models/staging", "--exclude", BASE_MODEL_UNIT_TESTS]
    summary = run_dbt([*args, "--indirect-selection", "cautious"], settings, project)
    assert summary.success, summary.failures
    return settings


def _rows(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_raw_keeps_the_export_as_it_arrived(messy: Settings) -> None:
    assert _rows(messy, "select \"PaymentDate\", \"Status\" from raw.payments where \"PaymentID\" = '104'") == [
        ("07-03-2026", "Successful")
    ]


def test_every_format_is_read_in_the_source_time_zone(messy: Settings) -> None:
    staged = dict(_rows(messy, "select payment_id, attempted_at from staging.stg_marketplace__payments"))
    assert staged == {
        "PAY-101": datetime(2026, 3, 5, 18, 30),  # 06-Mar-2026, midnight in India; a text id
        "102": datetime(2026, 3, 21, 9, 15, 5),  # 21/03/2026 14:45:05 IST
        "103": datetime(2026, 3, 24, 18, 30),  # an ISO date
        "105": datetime(2026, 3, 12, 18, 30),  # 13-03-2026 reads one way only: day first
        "106": datetime(2026, 3, 22, 4, 30),  # ISO with its own offset
    }


def test_status_synonyms_become_the_contract_values(messy: Settings) -> None:
    statuses = dict(_rows(messy, "select payment_id, payment_status from staging.stg_marketplace__payments"))
    assert statuses == {
        "PAY-101": "succeeded",
        "102": "succeeded",
        "103": "failed",
        "105": "succeeded",
        "106": "succeeded",
    }
    defaulted = _rows(messy, "select count(*) from staging.stg_marketplace__payments where failure_reason is not null")
    assert defaulted == [(0,)]


def test_ambiguous_and_unreadable_values_are_quarantined_with_their_reason(messy: Settings) -> None:
    reasons = dict(_rows(messy, "select payment_id, dq_reason from staging.quarantine_marketplace__payments"))
    assert reasons == {
        "104": "attempted_at: ambiguous timestamp '07-03-2026' (%d-%m-%Y or %m-%d-%Y): "
        "declare date_order in the source mapping",
        "107": "attempted_at: unparseable timestamp 'yesterday'",
        "108": "status: not an accepted value 'Pending??'",
    }


def test_the_committed_sources_file_and_base_models_are_left_as_they_were() -> None:
    rendered = render(load_mappings(PROJECT_DIR / "mappings"))
    assert {path: (PROJECT_DIR / path).read_text() for path in rendered} == rendered
    assert stale_files(PROJECT_DIR, render_project(load_mappings(PROJECT_DIR / "mappings"))) == []


def test_defaulted_columns_are_marked_in_lineage(messy: Settings) -> None:
    assert _rows(messy, "select distinct _defaulted_columns from staging.base_marketplace__payments") == [
        ("failure_reason",)
    ]
    assert _rows(messy, "select distinct _defaulted_columns from staging.base_marketplace__orders") == [(None,)]
