"""A second run skips dbt build only when neither the landed batches nor the project changed."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration import build_state


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "models").mkdir(parents=True)
    (root / "models" / "a.sql").write_text("select 1 as id\n")
    (root / "dbt_project.yml").write_text("name: demo\n")
    return root


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw")
        con.execute("create table raw.load_ledger (batch_id varchar, status varchar)")
        con.execute("insert into raw.load_ledger values ('b1', 'loaded'), ('b2', 'failed')")
        con.execute("create table raw.orders as select 1 as order_id union all select 2")
    return path


def test_up_to_date_only_after_a_recorded_build(project: Path, warehouse: Path) -> None:
    assert not build_state.is_up_to_date(warehouse, project)
    build_state.record_build(warehouse, project)
    assert build_state.is_up_to_date(warehouse, project)


def test_a_new_batch_makes_the_build_stale(project: Path, warehouse: Path) -> None:
    build_state.record_build(warehouse, project)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("insert into raw.load_ledger values ('b3', 'loaded')")
    assert not build_state.is_up_to_date(warehouse, project)


def test_a_failed_file_does_not_make_the_build_stale(project: Path, warehouse: Path) -> None:
    build_state.record_build(warehouse, project)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("insert into raw.load_ledger values ('b4', 'failed')")
    assert build_state.is_up_to_date(warehouse, project)


def test_a_changed_model_makes_the_build_stale(project: Path, warehouse: Path) -> None:
    build_state.record_build(warehouse, project)
    (project / "models" / "a.sql").write_text("select 2 as id\n")
    assert not build_state.is_up_to_date(warehouse, project)


def test_a_model_edited_while_the_build_ran_makes_the_build_stale(project: Path, warehouse: Path) -> None:
    built = build_state.project_digest(project)
    (project / "models" / "a.sql").write_text("select 2 as id\n")  # saved while dbt ran
    build_state.record_build(warehouse, project, built=built)
    assert not build_state.is_up_to_date(warehouse, project)
    assert build_state.full_refresh_reason(warehouse, project) == "the dbt project changed since the last build"


def test_missing_warehouse_or_forgotten_build_is_never_up_to_date(
    project: Path, warehouse: Path, tmp_path: Path
) -> None:
    assert build_state.fingerprint(tmp_path / "absent.duckdb", project) is None
    build_state.record_build(warehouse, project)
    build_state.forget_build(warehouse)
    assert not build_state.is_up_to_date(warehouse, project)


# ------------------------------------------------------------------------------ incremental builds
def test_an_incremental_build_needs_a_recorded_complete_build(project: Path, warehouse: Path) -> None:
    assert build_state.full_refresh_reason(warehouse, project) == "no complete build of this warehouse recorded"
    build_state.record_incremental_state(warehouse, project)
    assert build_state.full_refresh_reason(warehouse, project) is None


def test_new_raw_rows_build_incrementally(project: Path, warehouse: Path) -> None:
    build_state.record_incremental_state(warehouse, project)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("insert into raw.load_ledger values ('b3', 'loaded')")
        con.execute("insert into raw.orders values (3)")
    assert build_state.full_refresh_reason(warehouse, project) is None


def test_a_changed_model_refreshes_fully(project: Path, warehouse: Path) -> None:
    build_state.record_incremental_state(warehouse, project)
    (project / "models" / "a.sql").write_text("select 2 as id\n")
    assert build_state.full_refresh_reason(warehouse, project) == "the dbt project changed since the last build"


def test_a_missing_raw_row_refreshes_fully(project: Path, warehouse: Path) -> None:
    build_state.record_incremental_state(warehouse, project)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from raw.orders where order_id = 1")
    assert build_state.full_refresh_reason(warehouse, project) == "raw rows went missing since the last build: orders"


def test_an_unreadable_state_refreshes_fully(project: Path, warehouse: Path) -> None:
    build_state.incremental_state_file(warehouse).write_text("{not json")
    assert build_state.full_refresh_reason(warehouse, project) == "warehouse.duckdb.incremental-state is unreadable"
    build_state.incremental_state_file(warehouse).unlink()
    assert build_state.full_refresh_reason(warehouse, project) == "no complete build of this warehouse recorded"


def test_an_incremental_build_leaves_unit_tests_out_and_scopes_data_tests_a_full_refresh_runs_all() -> None:
    from orchestration.pipeline import incremental_build_args

    assert incremental_build_args(None) == [
        "--exclude-resource-type",
        "unit_test",
        "--vars",
        '{"data_tests_scope": "written_since_tested"}',
    ]
    assert incremental_build_args("the dbt project changed since the last build") == ["--full-refresh"]


def test_a_passing_build_records_its_stamp_for_the_next_builds_tests(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema incremental_state")
        con.execute("create table incremental_state.watermarks (model_name text, upstream_written_at timestamp, "
                    "recorded_at timestamp)")
        con.execute("create table incremental_state.tested_builds (tested_through timestamp, recorded_at timestamp)")
        con.execute("insert into incremental_state.watermarks values ('a', null, '2026-12-01 05:00:00'), "
                    "('b', null, '2026-12-02 05:00:00')")
    build_state.record_tested_build(warehouse)
    with duckdb.connect(str(warehouse)) as con:
        assert con.execute("select cast(tested_through as text) from incremental_state.tested_builds").fetchall() == [
            ("2026-12-02 05:00:00",)
        ]
    build_state.record_tested_build(tmp_path / "never-built.duckdb")
    assert not (tmp_path / "never-built.duckdb").exists()
