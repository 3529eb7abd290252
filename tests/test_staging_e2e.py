"""End to end on a small generated dataset: generate -> land -> dbt build.

The generator's defect manifest is the ground truth: every injected defect must show up in the
warehouse exactly where it was injected (quarantined, removed as a duplicate, or flagged late),
and nothing else may be quarantined.
"""

from __future__ import annotations

import csv
from datetime import date

import duckdb
import pytest

from orchestration.contracts import ENTITIES
from orchestration.datagen.config import GeneratorConfig
from orchestration.datagen.defects import CELL_DEFECTS
from orchestration.datagen.generator import generate
from orchestration.dbt_runner import run_dbt
from orchestration.landing import land
from orchestration.settings import Settings

pytestmark = pytest.mark.slow

QUARANTINING_DEFECTS = set(CELL_DEFECTS)  # every cell defect quarantines its row


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, list[dict[str, str]]]:
    root = tmp_path_factory.mktemp("e2e")
    settings = Settings(warehouse_path=root / "warehouse.duckdb", landing_dir=root / "landing")
    # 1% defects on a small dataset gives every defect type on most entities
    generate(
        GeneratorConfig(
            scale=0.01, seed=7, end_date=date(2026, 11, 1), defect_rate=0.01, out_dir=settings.landing_dir
        )
    )
    report = land(settings.landing_dir, settings.warehouse_path)
    assert not report.failed, report.failed
    # staging's data tests on defective data; its unit tests do not read the data (the golden build runs them)
    args = ["build", "--select", "+path:models/staging", "--indirect-selection", "cautious"]
    summary = run_dbt([*args, "--exclude-resource-type", "unit_test"], settings)
    assert summary.success, summary.failures
    with (settings.landing_dir / "_manifest" / "defects.csv").open() as handle:
        manifest = list(csv.DictReader(handle))
    return settings, manifest


def _query(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def _model(entity_name: str, prefix: str) -> str:
    entity = next(e for e in ENTITIES if e.name == entity_name)
    return f"staging.{prefix}_{entity.source}__{entity.name}"


def test_every_raw_row_is_staged_quarantined_or_a_removed_duplicate(built) -> None:
    settings, _ = built
    rows = _query(
        settings,
        "select entity, raw_rows, staged_rows, quarantined_rows, duplicates_removed "
        "from staging.staging_row_accounting",
    )
    assert {r[0] for r in rows} == {e.name for e in ENTITIES}
    for entity, raw, staged, quarantined, duplicates in rows:
        assert raw == staged + quarantined + duplicates, entity
        assert raw > 0, entity


def test_quarantine_holds_exactly_the_injected_bad_rows(built) -> None:
    settings, manifest = built
    for entity in ENTITIES:
        expected = {
            (d["file"], int(d["row_number"]), d["column"])
            for d in manifest
            if d["entity"] == entity.name and d["defect_type"] in QUARANTINING_DEFECTS
        }
        quarantined = _query(
            settings, f"select _source_file, _row_number, dq_reason from {_model(entity.name, 'quarantine')}"
        )
        assert {(f, n) for f, n, _ in quarantined} == {(f, n) for f, n, _ in expected}, entity.name
        reasons = {(f, n): reason for f, n, reason in quarantined}
        for file, row_number, column in expected:
            assert reasons[(file, row_number)].startswith(f"{column}: "), (entity.name, reasons[(file, row_number)])


def test_injected_duplicates_are_removed_and_late_rows_flagged(built) -> None:
    settings, manifest = built
    accounting = dict(_query(settings, "select entity, duplicates_removed from staging.staging_row_accounting"))
    for entity in ENTITIES:
        of_entity = [d for d in manifest if d["entity"] == entity.name]
        duplicates = {(d["file"], int(d["row_number"])) for d in of_entity if d["defect_type"] == "duplicate_row"}
        late = {(d["file"], int(d["row_number"])) for d in of_entity if d["defect_type"] == "late_arriving"}
        assert accounting[entity.name] == len(duplicates), entity.name
        base = f"staging.base_{entity.source}__{entity.name}"
        removed = set(_query(settings, f"select _source_file, _row_number from {base} where _is_duplicate"))
        assert removed == duplicates, entity.name
        if entity.partitioned_by:
            flagged = set(
                _query(
                    settings,
                    f"select _source_file, _row_number from {base} "
                    "where _is_late_arriving and _dq_reason is null and not _is_duplicate",
                )
            )
            assert flagged == late, entity.name


def test_manifest_covers_every_defect_type(built) -> None:
    _, manifest = built
    assert {d["defect_type"] for d in manifest} == QUARANTINING_DEFECTS | {"duplicate_row", "late_arriving"}


def test_landing_again_changes_nothing(built) -> None:
    settings, _ = built
    before = _query(settings, "select entity, raw_rows from staging.staging_row_accounting order by 1")
    report = land(settings.landing_dir, settings.warehouse_path)
    assert report.count("loaded") == 0 and report.count("skipped") == len(report.results)
    assert dict(before) == report.raw_rows
