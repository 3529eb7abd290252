"""GX on a real warehouse: the standards catch exactly what the generator's manifest injected.

Two small datasets, each generated, landed and built (staging) once per module:
- `fresh`: the default defect rate, data ending this hour: every standard passes, and GX counts
  exactly the manifest's invalid rows per table;
- `stale_and_defective`: 3% defects and data ending three days ago (two scenarios in one build
  to keep the suite fast): accuracy fails naming exactly the tables above 1% invalid, and
  timeliness fails naming every source with its age.
Destructive variants (a deleted raw row, a dropped staged row) work on copies of `fresh`.
Marts are not built here (a full dbt build takes minutes): mart and consistency suites are left
out of these runs and exercised by `make run`.
"""

from __future__ import annotations

import csv
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration.contracts import ENTITIES, TIMED_SOURCES
from orchestration.datagen.__main__ import main as generate_main
from orchestration.datagen.defects import CELL_DEFECTS
from orchestration.dbt_runner import run_dbt
from orchestration.landing import land
from orchestration.quality.runner import validate
from orchestration.quality.standards import failed_standards
from orchestration.settings import Settings

pytestmark = pytest.mark.slow

QUARANTINING = set(CELL_DEFECTS)  # every cell defect quarantines its row


def _not_marts(name: str) -> bool:
    return not name.startswith("mart__") and name != "consistency"


def _build(root: Path, *generator_args: str) -> tuple[Settings, list[dict[str, str]]]:
    settings = Settings(warehouse_path=root / "warehouse.duckdb", landing_dir=root / "landing")
    assert generate_main([*generator_args, "--seed", "11", "--out", str(settings.landing_dir)]) == 0
    assert not land(settings.landing_dir, settings.warehouse_path).failed
    # the models only: Great Expectations is what these tests are about (test_staging_e2e runs
    # staging's dbt tests on defective data)
    no_tests = ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
    summary = run_dbt(["build", "--select", "+path:models/staging", *no_tests], settings)
    assert summary.success, summary.failures
    with (settings.landing_dir / "_manifest" / "defects.csv").open() as handle:
        return settings, list(csv.DictReader(handle))


def _results(run) -> dict[str, object]:
    return {r.expectation: r for r in run.results}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory):
    settings, manifest = _build(tmp_path_factory.mktemp("fresh"), "--scale", "0.02")
    run = validate(settings.warehouse_path, settings.landing_dir, docs_dir=None, suites=_not_marts)
    return settings, manifest, run


@pytest.fixture(scope="module")
def stale_and_defective(tmp_path_factory: pytest.TempPathFactory):
    three_days_ago = (datetime.now(UTC) - timedelta(days=3)).date().isoformat()
    settings, manifest = _build(
        tmp_path_factory.mktemp("stale"), "--scale", "0.01", "--defect-rate", "0.03", "--end-date", three_days_ago
    )
    run = validate(settings.warehouse_path, settings.landing_dir, docs_dir=None, suites=_not_marts)
    return settings, manifest, run


def _raw_rows(settings: Settings) -> dict[str, int]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return {e.name: con.execute(f"select count(*) from raw.{e.name}").fetchone()[0] for e in ENTITIES}


def _invalid_share(observed: str) -> float:
    return float(re.search(r"\(([\d.]+)% invalid\)", observed).group(1)) / 100


def test_default_defect_rate_passes_every_standard(fresh) -> None:
    settings, manifest, run = fresh
    failed = [r for r in run.results if not r.success]
    assert failed == [] and failed_standards(run.results) == []
    # every kind of injected defect was there to be caught
    assert {d["defect_type"] for d in manifest} >= QUARANTINING | {"duplicate_row", "late_arriving"}
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        stored = con.execute(
            "select count(*), count(*) filter (where success) from audit.dq_results where run_id = ?", [run.run_id]
        ).fetchone()
        overall = con.execute(
            "select score from audit.dq_scores where run_id = ? and standard = 'overall'", [run.run_id]
        ).fetchone()
    assert stored == (len(run.results), len(run.results)) and overall == (1.0,)


def test_gx_counts_exactly_the_injected_invalid_rows(fresh) -> None:
    """Every cell defect of the manifest is an invalid row GX counts (share to 4 decimals of a
    percent, i.e. the exact row count at these sizes); duplicates and late rows are accounted
    for by the completeness balance, which passes."""
    settings, manifest, run = fresh
    raw_rows, results = _raw_rows(settings), _results(run)
    for entity in ENTITIES:
        injected = sum(1 for d in manifest if d["entity"] == entity.name and d["defect_type"] in QUARANTINING)
        observed = results[f"{entity.name}: at least 99% of raw rows valid"].observed_value
        assert round(_invalid_share(observed) * raw_rows[entity.name]) == injected, (entity.name, observed)


def test_above_one_percent_defects_fails_accuracy_naming_the_tables(stale_and_defective) -> None:
    settings, manifest, run = stale_and_defective
    raw_rows = _raw_rows(settings)
    invalid = {
        e.name: sum(1 for d in manifest if d["entity"] == e.name and d["defect_type"] in QUARANTINING) for e in ENTITIES
    }
    expected = {f"raw.{name}" for name, n in invalid.items() if n / raw_rows[name] > 0.01}
    failed = {r.table_name: r for r in run.results if r.standard == "accuracy" and not r.success}
    assert expected and set(failed) == expected
    for table, row in failed.items():
        name = table.removeprefix("raw.")
        assert round(_invalid_share(row.observed_value) * raw_rows[name]) == invalid[name], row.observed_value
    assert "accuracy" in failed_standards(run.results)
    # the balance still holds: quarantine takes every bad row
    assert all(r.success for r in run.results if r.standard == "completeness")


def test_stale_data_fails_timeliness_naming_sources_and_ages(stale_and_defective) -> None:
    _, _, run = stale_and_defective
    failed = [r for r in run.results if r.standard == "timeliness" and not r.success]
    # business timestamps are three days old for every timed source (not the manual one: its due
    # dates judge it); the loads themselves are fresh
    assert {r.table_name for r in failed} == {f"source {s}" for s in TIMED_SOURCES}
    assert all("business timestamp" in r.expectation for r in failed)
    for row in failed:
        age = float(re.search(r"age_hours=([\d.]+)", row.observed_value).group(1))
        assert 72 <= age <= 24 * 5, row.observed_value
        assert row.table_name.removeprefix("source ") in row.observed_value


def _copy(settings: Settings, root: Path) -> Settings:
    copied = Settings(warehouse_path=root / "warehouse.duckdb", landing_dir=settings.landing_dir)
    shutil.copy(settings.warehouse_path, copied.warehouse_path)
    return copied


def test_a_deleted_raw_row_fails_completeness_naming_the_table(fresh, tmp_path: Path) -> None:
    settings = _copy(fresh[0], tmp_path)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        batch_id = con.execute("select _batch_id from raw.orders order by _batch_id, _row_number limit 1").fetchone()[0]
        con.execute("delete from raw.orders where _batch_id = ? and _row_number = 1", [batch_id])
    run = validate(
        settings.warehouse_path,
        settings.landing_dir,
        docs_dir=None,
        suites=lambda n: n in ("entity__orders", "landing"),
    )
    failed = {r.expectation: r for r in run.results if not r.success}
    assert set(failed) == {
        "orders: per batch, ledger rows = raw = staged + quarantined + duplicates removed",
        "orders: raw = staged + quarantined + duplicates removed",
    }
    per_batch = failed["orders: per batch, ledger rows = raw = staged + quarantined + duplicates removed"]
    assert per_batch.table_name == "raw.orders" and per_batch.observed_value.startswith("1 unexpected row(s)")
    assert f"batch_id={batch_id}" in per_batch.observed_value
    ledger, raw = (
        int(re.search(rf"{k}=(\d+)", per_batch.observed_value).group(1)) for k in ("ledger_rows", "raw_rows")
    )
    assert raw == ledger - 1
    assert failed_standards(run.results) == ["completeness"]


def test_a_dropped_staged_row_fails_completeness_naming_the_table(fresh, tmp_path: Path) -> None:
    settings = _copy(fresh[0], tmp_path)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        # the stg model is a view of its base model's staged rows: one of those goes
        con.execute(
            "delete from staging.base_learning__enrollments where _dq_reason is null and not _is_duplicate "
            "and enrollment_id = (select min(enrollment_id) from staging.stg_learning__enrollments)"
        )
    run = validate(
        settings.warehouse_path, settings.landing_dir, docs_dir=None, suites=lambda n: n == "entity__enrollments"
    )
    failed = [r for r in run.results if not r.success]
    assert {r.table_name for r in failed} == {"raw.enrollments"}
    assert {r.expectation for r in failed} == {
        "enrollments: per batch, ledger rows = raw = staged + quarantined + duplicates removed",
        "enrollments: raw = staged + quarantined + duplicates removed",
    }
    total = next(r for r in failed if r.expectation.startswith("enrollments: raw ="))
    values = {k: int(v) for k, v in re.findall(r"(\w+_rows|duplicates_removed)=(\d+)", total.observed_value)}
    assert values["raw_rows"] == values["staged_rows"] + values["quarantined_rows"] + values["duplicates_removed"] + 1


def test_a_file_missing_from_the_ledger_fails_completeness(fresh, tmp_path: Path) -> None:
    settings = _copy(fresh[0], tmp_path)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        path = con.execute("select min(file_path) from raw.load_ledger").fetchone()[0]
        con.execute("delete from raw.load_ledger where file_path = ?", [path])
    run = validate(
        settings.warehouse_path, settings.landing_dir, docs_dir=None, record=False, suites=lambda n: n == "landing"
    )
    failed = [r for r in run.results if not r.success]
    assert [r.expectation for r in failed] == ["every landed file is in the ledger"]
    assert failed[0].observed_value == f"1 landed file(s) missing from the ledger: {path}"
