"""An incremental build after one more day of data gives the tables a full refresh gives.

The day before lands and builds; then one more day arrives as it would (the current month's files
re-sent whole, today's snapshots), with a corrected row, and students the day before's snapshot
lacked, so sessions that were orphans then turn valid. One warehouse builds incrementally, a copy
of it refreshes fully; every staging, intermediate and mart table must hold the same rows.
"""

from __future__ import annotations

import csv
import math
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.bench import deliver_new_day, prepare_day_before
from orchestration.datagen.config import GeneratorConfig
from orchestration.datagen.generator import generate
from orchestration.dbt_runner import run_dbt
from orchestration.landing import land
from orchestration.pipeline import SCORECARD_SELECTOR, dataset_end
from orchestration.settings import Settings

pytestmark = pytest.mark.slow

SCHEMAS = ("staging", "intermediate", "marts")


def _rewrite(path: Path, change) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows = [rows[0], *change(rows[0], rows[1:])]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _students_with_sessions(landing: Path, count: int) -> set[str]:
    """Students of the day before's snapshot with sessions in the first month (not the generator's
    planted orphans, whose student exists nowhere)."""
    with _snapshot(landing, "students").open(newline="", encoding="utf-8") as handle:
        students = {row["student_id"] for row in csv.DictReader(handle)}
    session_files = sorted((landing / "web_analytics" / "sessions").glob("*.csv"))
    with session_files[0].open(newline="", encoding="utf-8") as handle:
        users = {row["userId"] for row in csv.DictReader(handle)} & students
    return set(sorted(users)[:count])


def _snapshot(landing: Path, entity: str) -> Path:
    return sorted((landing / "marketplace" / entity).glob("*.csv"))[-1]


def _orphaned_sessions(warehouse: Path, students: set[str]) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            'select count(*) from staging.base_web_analytics__sessions where list_contains(?, "userId") '
            "and _dq_reason like '%userId: orphaned%'",
            [sorted(students)],
        ).fetchone()[0]


def _build(settings: Settings, *extra: str, data_tests: bool = False) -> None:
    """dbt build to the marts; with `data_tests`, the data tests too (they hold on the incremental
    tables as on full ones)."""
    excluded = ["unit_test"] if data_tests else ["unit_test", "test"]
    exclusions = [arg for kind in excluded for arg in ("--exclude-resource-type", kind)]
    summary = run_dbt(["build", "--exclude", SCORECARD_SELECTOR, *exclusions, *extra], settings)
    assert summary.success, summary.failures


def _differences(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> int:
    """Rows of the incremental table the full refresh lacks, or holds otherwise. Doubles match to
    1e-9 relative: a sum over rows in another order differs in its last digits."""
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = 'incremental' and table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    mine = f'select * from "{schema}"."{table}"'
    theirs = f'select * from full_refresh."{schema}"."{table}"'
    extra = con.execute(f"{mine} except all {theirs}").fetchall()
    lacking = con.execute(f"{theirs} except all {mine}").fetchall()
    doubles = [i for i, (_, kind) in enumerate(columns) if kind in ("DOUBLE", "FLOAT")]

    def exact(row: tuple) -> tuple:
        return tuple(value for i, value in enumerate(row) if i not in doubles)

    unmatched = list(lacking)
    for row in extra:
        match = next(
            (
                other
                for other in unmatched
                if exact(other) == exact(row)
                and all(
                    (row[i] is None) == (other[i] is None)
                    and (row[i] is None or math.isclose(row[i], other[i], rel_tol=1e-9, abs_tol=1e-12))
                    for i in doubles
                )
            ),
            None,
        )
        if match is None:
            return len(extra) + len(lacking)
        unmatched.remove(match)
    return len(unmatched)


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, tuple[set[str], int]]:
    root = tmp_path_factory.mktemp("incremental")
    generated, landing = root / "generated", root / "landing"
    generate(GeneratorConfig(scale=0.01, seed=11, end_date=datetime(2026, 11, 3).date(), defect_rate=0.01,
                             out_dir=generated))
    end = dataset_end(generated)
    assert end is not None
    prepare_day_before(generated, landing, end)
    missing = _students_with_sessions(landing, 3)
    _rewrite(_snapshot(landing, "students"), lambda header, rows: [r for r in rows if r[0] not in missing])

    incremental = Settings(warehouse_path=root / "incremental.duckdb", landing_dir=landing)
    assert not land(landing, incremental.warehouse_path).failed
    _build(incremental)
    orphaned_before = _orphaned_sessions(incremental.warehouse_path, missing)

    deliver_new_day(generated, landing)
    current_sessions = sorted((landing / "web_analytics" / "sessions").glob("*.csv"))[-1]

    def correct_first_session(header: list[str], rows: list[list[str]]) -> list[list[str]]:
        at = header.index("pageviews")
        rows[0][at] = str(int(rows[0][at] or 0) + 7)
        return rows

    _rewrite(current_sessions, correct_first_session)
    assert not land(landing, incremental.warehouse_path).failed
    full = Settings(warehouse_path=root / "full.duckdb", landing_dir=landing)
    shutil.copy(incremental.warehouse_path, full.warehouse_path)

    _build(incremental, data_tests=True)
    _build(full, "--full-refresh")
    return incremental.warehouse_path, full.warehouse_path, (missing, orphaned_before)


def test_an_incremental_build_equals_a_full_refresh(warehouses: tuple[Path, Path, tuple[set[str], int]]):
    incremental, full, _ = warehouses
    with duckdb.connect(str(incremental)) as con:
        con.execute(f"attach '{full}' as full_refresh (read_only)")
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = 'incremental' and table_schema in ? and table_type = 'BASE TABLE' "
            "order by 1, 2",
            [list(SCHEMAS)],
        ).fetchall()
        assert len(tables) > 100
        different = {
            f"{schema}.{table}": count for schema, table in tables if (count := _differences(con, schema, table))
        }
    assert different == {}


def test_sessions_of_students_landed_later_turn_valid(warehouses: tuple[Path, Path, tuple[set[str], int]]):
    incremental, _, (missing, orphaned_before) = warehouses
    with duckdb.connect(str(incremental), read_only=True) as con:
        staged = con.execute(
            "select count(*) from staging.stg_web_analytics__sessions where list_contains(?, student_id)",
            [sorted(missing)],
        ).fetchone()[0]
    assert orphaned_before > 0
    assert _orphaned_sessions(incremental, missing) == 0
    assert staged > 0
