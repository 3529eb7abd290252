"""End to end on a small generated dataset: generate -> land -> dbt build.

The generator's defect manifest is the ground truth: every injected defect must show up in the
warehouse exactly where it was injected (quarantined, removed as a duplicate, or flagged late),
and nothing else may be quarantined.
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.contracts import ENTITIES
from orchestration.datagen.config import GeneratorConfig
from orchestration.datagen.defects import CELL_DEFECTS
from orchestration.datagen.generator import generate
from orchestration.dbt_runner import run_dbt
from orchestration.landing import land
from orchestration.mapping import load_mappings
from orchestration.scratch_project import scratch_project
from orchestration.settings import PROJECT_DIR, Settings

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
    # staging's data tests on defective data, and the row accounting over it; the unit tests do not
    # read the data (the golden build runs them)
    args = ["build", "--select", "+path:models/staging", "int_row_accounting", "--indirect-selection", "cautious"]
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
        "from intermediate.int_row_accounting",
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
    accounting = dict(_query(settings, "select entity, duplicates_removed from intermediate.int_row_accounting"))
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
    before = _query(settings, "select entity, raw_rows from intermediate.int_row_accounting order by 1")
    report = land(settings.landing_dir, settings.warehouse_path)
    assert report.count("loaded") == 0 and report.count("skipped") == len(report.results)
    assert dict(before) == report.raw_rows


# Each model broken in a scratch copy of the project, the test of its row count that must fail:
# (file under models/staging, text replaced, its replacement, test name).
BROKEN_MODELS = {
    "base_billing__subscription_plans": (
        "billing/base/base_billing__subscription_plans.sql",
        "select * from {{ source('billing', 'subscription_plans') }}",
        "select * from {{ source('billing', 'subscription_plans') }} where _row_number > 1",
        "row_count_matches_source",
    ),  # drops the first row of every file
    "stg_billing__subscription_events": (
        "billing/stg_billing__subscription_events.sql",
        "where {{ is_staged_row() }}",
        "where {{ is_staged_row() }} and _row_number > 1",
        "row_count_matches_base",
    ),  # drops rows
    "quarantine_learning__lesson_activity": (
        "learning/quarantine_learning__lesson_activity.sql",
        "\nselect * from final\n",
        "\nselect * from final\nunion all\nselect * from final\n",
        "row_count_matches_base",
    ),  # repeats every row
}


def test_the_row_count_tests_fail_on_a_model_that_drops_or_repeats_rows(built, tmp_path: Path) -> None:
    """int_row_accounting counts the base models; these tests hold the base, stg and quarantine
    relations to those counts. A copy of the project with three models broken, built on a copy of
    the warehouse: each one's test fails, and an unbroken model's passes."""
    settings, _ = built
    counts = dict(_query(settings, "select entity, quarantined_rows from intermediate.int_row_accounting"))
    assert counts["lesson_activity"] > 0, "a repeated quarantine row needs a quarantined row"
    scratch = replace(settings, warehouse_path=tmp_path / "warehouse.duckdb")
    shutil.copy2(settings.warehouse_path, scratch.warehouse_path)
    project = scratch_project(tmp_path / "project", load_mappings(PROJECT_DIR / "mappings"))
    for path, old, new, _ in BROKEN_MODELS.values():
        model = project / "models" / "staging" / path
        assert model.read_text().count(old) == 1, path
        model.write_text(model.read_text().replace(old, new))
    # a changed model is built whole: an incremental one would keep the rows its old SQL derived
    built_broken = run_dbt(["run", "--full-refresh", "--select", *BROKEN_MODELS], scratch, project)
    assert built_broken.success, built_broken.failures

    unbroken = "stg_marketing__ad_spend,test_name:row_count_matches_base"
    selected = [f"{model},test_name:{test}" for model, (*_, test) in BROKEN_MODELS.items()]
    tested = run_dbt(["test", "--select", *selected, unbroken], scratch, project)
    assert tested.count("test", "fail") == len(BROKEN_MODELS), tested.failures
    assert tested.count("test", "pass") == 1
    for model, (*_, test) in BROKEN_MODELS.items():
        assert any(line.startswith(f"test {test}_{model}") for line in tested.failures), (model, tested.failures)


def test_the_not_null_columns_test_counts_and_names_the_null_columns(built, tmp_path: Path) -> None:
    """One test holds a model's not-null columns: nulls planted in two columns of three rows fail
    it with 3 rows, and its rows name each combination of null columns."""
    settings, _ = built
    scratch = replace(settings, warehouse_path=tmp_path / "warehouse.duckdb")
    shutil.copy2(settings.warehouse_path, scratch.warehouse_path)
    test = "not_null_stg_marketing__ad_spend"
    assert run_dbt(["test", "--select", test], scratch).success
    # the stg model is a view of its base model's staged rows: the nulls go into three of those
    with duckdb.connect(str(scratch.warehouse_path)) as con:
        rows = con.execute(
            "select _batch_id, _row_number from staging.base_marketing__ad_spend"
            " where _dq_reason is null and not _is_duplicate order by _batch_id, _row_number limit 3"
        ).fetchall()
        planted = (
            "update staging.base_marketing__ad_spend set {} = null"
            " where (_batch_id = ? and _row_number = ?) or (_batch_id = ? and _row_number = ?)"
        )
        con.execute(planted.format("channel"), [*rows[0], *rows[1]])
        con.execute(planted.format("clicks"), [*rows[1], *rows[2]])
    tested = run_dbt(["test", "--select", test], scratch)
    assert tested.count("test", "fail") == 1
    assert "Got 3 results" in " ".join(tested.failures)
    compiled = run_dbt(["compile", "--select", test], scratch, target_path=tmp_path / "target")
    assert compiled.success, compiled.failures
    (sql,) = (tmp_path / "target" / "compiled").rglob(f"{test}.sql")
    with duckdb.connect(str(scratch.warehouse_path), read_only=True) as con:
        found = con.execute(f"select null_columns, null_rows from ({sql.read_text()}) order by 1").fetchall()
    assert found == [("channel", 1), ("channel clicks", 1), ("clicks", 1)]
