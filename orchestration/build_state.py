"""Whether the warehouse already holds a build of exactly this project and these landed batches.

A second `make run` with no new files and no project change has nothing to rebuild: the build
fingerprint (the dbt project's files plus the warehouse's landed batches) is stored next to the
warehouse after a successful build and compared before the next one.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

from orchestration import duckdb_connect
from orchestration.contracts import ENTITIES
from orchestration.settings import PROJECT_DIR

PROJECT_INPUTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "snapshots", "tests/dbt")


def project_digest(project_dir: Path = PROJECT_DIR) -> str:
    digest = hashlib.sha256()
    for name in PROJECT_INPUTS:
        root = project_dir / name
        paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in paths:
            digest.update(path.relative_to(project_dir).as_posix().encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def landed_batches_digest(warehouse_path: Path) -> str | None:
    """Digest of the ledger's loaded batches; None when the warehouse or its ledger is missing."""
    if not warehouse_path.exists():
        return None
    try:
        with duckdb_connect.connect(str(warehouse_path), read_only=True) as con:
            batches = con.execute(
                "select coalesce(string_agg(batch_id, ',' order by batch_id), '') "
                "from raw.load_ledger where status = 'loaded'"
            ).fetchone()
    except duckdb.Error:
        return None
    return hashlib.sha256((batches[0] if batches else "").encode()).hexdigest()


def fingerprint(warehouse_path: Path, project_dir: Path = PROJECT_DIR, built: str | None = None) -> str | None:
    """`built`: the digest of the project built, when it is not the project as it is now."""
    batches = landed_batches_digest(warehouse_path)
    return None if batches is None else f"{built or project_digest(project_dir)}:{batches}"


def state_file(warehouse_path: Path) -> Path:
    return warehouse_path.with_name(warehouse_path.name + ".last-build")


def is_up_to_date(warehouse_path: Path, project_dir: Path = PROJECT_DIR) -> bool:
    stored = state_file(warehouse_path)
    current = fingerprint(warehouse_path, project_dir)
    return current is not None and stored.exists() and stored.read_text().strip() == current


def record_build(warehouse_path: Path, project_dir: Path = PROJECT_DIR, built: str | None = None) -> None:
    """After a complete build: what the next one compares to, to skip or to build incrementally.
    `built`: the project's digest when the build started (`project_digest`), so that a model
    edited while dbt ran counts as changed next time; the project as it is now by default."""
    built = built or project_digest(project_dir)
    current = fingerprint(warehouse_path, project_dir, built)
    if current is not None:
        state_file(warehouse_path).write_text(current + "\n")
    record_incremental_state(warehouse_path, project_dir, built)


def forget_build(warehouse_path: Path) -> None:
    state_file(warehouse_path).unlink(missing_ok=True)


# ------------------------------------------------------------------------------ incremental builds
# The incremental models (the base models, the big stg models and facts) keep their rows between
# builds and derive only what new batches change. That holds while the SQL that derived the kept
# rows is the SQL of this build and no landed row went away; otherwise a build refreshes fully.
# After a complete build, the project's digest and each raw table's row count are stored here.


def incremental_state_file(warehouse_path: Path) -> Path:
    return warehouse_path.with_name(warehouse_path.name + ".incremental-state")


def raw_row_counts(warehouse_path: Path) -> dict[str, int] | None:
    """Rows of every landed entity's raw table; None when the warehouse cannot be read."""
    if not warehouse_path.exists():
        return None
    try:
        with duckdb_connect.connect(str(warehouse_path), read_only=True) as con:
            landed = {
                name
                for (name,) in con.execute(
                    "select table_name from information_schema.tables where table_schema = 'raw'"
                ).fetchall()
            }
            # the names are the contract's, never read from a file
            return {
                entity.name: con.execute(f'select count(*) from raw."{entity.name}"').fetchone()[0]
                for entity in ENTITIES
                if entity.name in landed
            }
    except duckdb.Error:
        return None


def full_refresh_reason(warehouse_path: Path, project_dir: Path = PROJECT_DIR) -> str | None:
    """Why the next build must derive every row again (None: an incremental build is right)."""
    stored = incremental_state_file(warehouse_path)
    if not stored.exists():
        return "no complete build of this warehouse recorded"
    try:
        state = json.loads(stored.read_text())
        built_project, built_rows = state["project"], state["raw_rows"]
    except (ValueError, KeyError, TypeError):
        return f"{stored.name} is unreadable"
    if built_project != project_digest(project_dir):
        return "the dbt project changed since the last build"
    counts = raw_row_counts(warehouse_path) or {}
    shrunk = sorted(name for name, rows in built_rows.items() if counts.get(name, 0) < rows)
    if shrunk:
        return f"raw rows went missing since the last build: {', '.join(shrunk)}"
    return None


def record_incremental_state(warehouse_path: Path, project_dir: Path = PROJECT_DIR, built: str | None = None) -> None:
    counts = raw_row_counts(warehouse_path)
    if counts is not None:
        state = {"project": built or project_digest(project_dir), "raw_rows": counts}
        incremental_state_file(warehouse_path).write_text(json.dumps(state, sort_keys=True) + "\n")
    record_tested_build(warehouse_path)


# An incremental build's row-level data tests read only the rows written since the last complete
# build whose tests passed (macros/utils/data_test_scope.sql): after such a build, its stamp (the
# newest `recorded_at` of the watermarks it appended) goes into incremental_state.tested_builds.
DATA_TEST_SCOPE = {"data_tests_scope": "written_since_tested"}


def record_tested_build(warehouse_path: Path) -> None:
    if not warehouse_path.exists():
        return
    try:
        with duckdb_connect.connect(str(warehouse_path)) as con:
            con.execute(
                "insert into incremental_state.tested_builds (tested_through, recorded_at) "
                "select max(recorded_at), current_timestamp from incremental_state.watermarks "
                "having max(recorded_at) is not null"
            )
    except duckdb.CatalogException:  # a build that created no incremental state: nothing to scope by
        return
