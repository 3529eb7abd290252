"""Publish the warehouse's marts and audit schemas to the serving file (write-audit-publish).

The contract of the serving file is in the package docstring (`orchestration/serving/__init__.py`).

How a publish goes, and why:
1. One in-memory DuckDB connection ATTACHes the warehouse READ_ONLY (a shared lock: no dbt run can
   write while the copy reads, so the copy is one consistent state of the warehouse) under its
   file stem, the catalog name dbt compiled views against, so marts views still bind.
2. Plan and audit: the tables to copy, the latest validation run's verdict, data freshness.
   Anything blocking (no marts, no validation, a failed critical expectation, a validation older
   than the last build) refuses the publish before a byte is written.
3. Write: a temporary file next to the serving file (same filesystem, so the rename is atomic) is
   ATTACHed with an explicit STORAGE_VERSION, filled with CREATE TABLE AS, the previous
   publish_log history carried over, the new publish recorded, checkpointed and detached.
4. Publish: fsync the file, make it read-only (0444), os.replace it over the serving file, fsync
   the directory. Readers holding the old file keep reading the old inode; a new open sees the
   new file. Any failure before the rename deletes the temporary file: the serving file is as
   it was.

Storage version: STORAGE_VERSION = 'v1.0.0' (storage format number 64, in the file header).
Asked for its newest storage ('v1.5.0'/'latest'), DuckDB 1.5 writes format 68, which DuckDB 1.4 LTS
(reads 64-67) and 1.1 (reads 64 only) refuse: "Trying to read a database file with version number
68". DuckDB 1.5.6 still writes 64 by default, but DuckDB 2.0 defaults to 'latest' (header 999), so
the version is pinned here rather than left to whichever DuckDB the project upgrades to. Format 64
is read by every DuckDB since 0.10 (Feb 2024): every release of the last year (1.4.x, 1.5.x and
2.0; 1.4.3, 1.5.6 and 2.0.0 checked) and the older clients BI drivers embed. The newer formats
only add compression (0.3-2.7% smaller on the default-scale marts); nothing the marts use needs
them. tests/test_serving.py opens
a published file with the DuckDB 1.4.3 and 1.1.3 Python clients, and checks that 1.5's newest
format is refused by them (so the test would notice a regression).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from orchestration import duckdb_connect
from orchestration.identifiers import sql_string
from orchestration.quality import data_mode
from orchestration.settings import PROJECT_DIR, Settings

if TYPE_CHECKING:
    from orchestration.serving.export import ExportResult

STORAGE_VERSION = "v1.0.0"
STORAGE_FORMAT_NUMBER = 64  # what DuckDB's file header says for STORAGE_VERSION
SERVING_SCHEMAS = ("marts", "audit")  # copied whole, in this order
REQUIRED_SCHEMA = "marts"
PUBLISH_LOG = "publish_log"
PUBLISH_TABLES = "publish_tables"
CRITICAL = "critical"  # audit.dq_results.severity of a blocking expectation
# The attach aliases the publisher uses for the files it writes and reads besides the warehouse.
NEW_ALIAS, PREVIOUS_ALIAS = "__serving_new", "__serving_previous"
RESERVED_ALIASES = {"memory", "system", "temp", "main", NEW_ALIAS, PREVIOUS_ALIAS}
SHOWN_FAILURES = 5

PUBLISH_LOG_DDL = """
create table {db}.main.publish_log (
    publish_id varchar not null,
    published_at timestamptz not null,
    run_id varchar,
    dq_run_id varchar,
    dq_score double,
    data_as_of timestamptz,
    data_as_of_by_source varchar,
    dbt_version varchar,
    project_version varchar,
    git_commit varchar,
    duckdb_version varchar,
    storage_version varchar,
    table_count integer,
    total_rows bigint,
    warehouse_path varchar,
    timeliness varchar  -- 'measured', or 'not applicable: historical export' (audit.data_mode)
)"""
PUBLISH_TABLES_DDL = """
create table {db}.main.publish_tables (
    publish_id varchar not null,
    schema_name varchar not null,
    table_name varchar not null,
    row_count bigint not null,
    column_count integer not null
)"""


class PublishError(Exception):
    """Nothing was published: the serving file is as it was before the attempt."""


# ------------------------------------------------------------------------------- planning (pure)
@dataclass(frozen=True)
class SourceTable:
    schema: str
    name: str
    kind: str  # 'table' or 'view' (a view is materialized as a table in the serving file)


@dataclass(frozen=True)
class QualityVerdict:
    """The latest validation run recorded in the warehouse's audit schema."""

    run_id: str
    validated_at: datetime  # naive UTC, as audit.dq_scores stores it
    score: float | None  # the 'overall' score, 0-1
    failures: tuple[str, ...]  # failed critical expectations, described


@dataclass(frozen=True)
class PublishPlan:
    tables: tuple[SourceTable, ...]
    verdict: QualityVerdict | None
    data_as_of_by_source: dict[str, datetime | None]

    @property
    def data_as_of(self) -> datetime | None:
        """The oldest of the sources' newest business timestamps: every source's data reaches at
        least this far (the timeliness standard holds while it is within 24 h). The newest would
        overstate it: a daily source is complete to the end of its day, often in the future."""
        known = [t for t in self.data_as_of_by_source.values() if t is not None]
        return min(known) if known else None


def q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def refusals(
    plan: PublishPlan,
    warehouse: Path,
    require_quality: bool = True,
    built_at: datetime | None = None,
) -> list[str]:
    """Why this plan must not be published (empty: publish). `built_at` is when the last successful
    dbt build finished (naive UTC), when known: a validation older than it judged other data."""
    reasons = []
    if not any(t.schema == REQUIRED_SCHEMA for t in plan.tables):
        reasons.append(f"the warehouse {warehouse} has no `{REQUIRED_SCHEMA}` tables: the build did not produce them")
    verdict = plan.verdict
    if verdict is None:
        if require_quality:
            reasons.append(
                f"no data quality validation is recorded in {warehouse} (audit.dq_scores): "
                "run the validate step (make validate) before publishing"
            )
        return reasons
    if verdict.failures:
        shown = "\n    ".join(verdict.failures[:SHOWN_FAILURES])
        more = (
            f"\n    (+{len(verdict.failures) - SHOWN_FAILURES} more)" if len(verdict.failures) > SHOWN_FAILURES else ""
        )
        reasons.append(
            f"validation run {verdict.run_id} failed {len(verdict.failures)} critical expectation(s):"
            f"\n    {shown}{more}"
        )
    if built_at is not None and built_at > verdict.validated_at:
        reasons.append(
            f"the warehouse was rebuilt ({built_at:%Y-%m-%d %H:%M:%S} UTC) after its latest validation run "
            f"{verdict.run_id} ({verdict.validated_at:%Y-%m-%d %H:%M:%S} UTC): validate it again first"
        )
    return reasons


def copy_statements(tables: tuple[SourceTable, ...], source: str, target: str) -> list[str]:
    """CREATE SCHEMA / CREATE TABLE AS for every table: views become tables, types are kept."""
    statements = []
    for schema in dict.fromkeys(t.schema for t in tables):
        statements.append(f"create schema if not exists {q(target)}.{q(schema)}")
    for t in tables:
        statements.append(
            f"create table {q(target)}.{q(t.schema)}.{q(t.name)} as select * from {q(source)}.{q(t.schema)}.{q(t.name)}"
        )
    return statements


# ------------------------------------------------------------------------- reading the warehouse
def list_tables(con: duckdb.DuckDBPyConnection, catalog: str) -> tuple[SourceTable, ...]:
    schemas = ", ".join(sql_string(s) for s in SERVING_SCHEMAS)
    rows = con.execute(
        f"""
        select schema_name, table_name, 'table' from duckdb_tables()
        where database_name = ? and schema_name in ({schemas}) and not internal and not temporary
        union all
        select schema_name, view_name, 'view' from duckdb_views()
        where database_name = ? and schema_name in ({schemas}) and not internal and not temporary
        """,
        [catalog, catalog],
    ).fetchall()
    order = {s: i for i, s in enumerate(SERVING_SCHEMAS)}
    return tuple(sorted((SourceTable(*r) for r in rows), key=lambda t: (order[t.schema], t.name)))


def quality_verdict(
    con: duckdb.DuckDBPyConnection, catalog: str, tables: tuple[SourceTable, ...]
) -> QualityVerdict | None:
    """The latest validation run's score and failed critical expectations; None if none is recorded."""
    present = {(t.schema, t.name) for t in tables}
    if not {("audit", "dq_scores"), ("audit", "dq_results")} <= present:
        return None
    audit = f"{q(catalog)}.audit"
    latest = con.execute(
        f"select run_id, max(validated_at) from {audit}.dq_scores group by run_id order by 2 desc, 1 desc limit 1"
    ).fetchone()
    if latest is None:
        return None
    run_id, validated_at = latest
    score = con.execute(
        f"select score from {audit}.dq_scores where run_id = ? and standard = 'overall'", [run_id]
    ).fetchone()
    failed = con.execute(
        f"""
        select standard, expectation, table_name, observed_value from {audit}.dq_results
        where run_id = ? and not success and severity = ?
        order by standard, expectation
        """,
        [run_id, CRITICAL],
    ).fetchall()
    failures = tuple(f"[{s}] {e} — table {t}: {o}" for s, e, t, o in failed)
    return QualityVerdict(run_id, validated_at, None if score is None else float(score[0]), failures)


def freshness(con: duckdb.DuckDBPyConnection) -> dict[str, datetime | None]:
    """Newest valid business timestamp per source (UTC), the way the timeliness standard computes
    it (one query per staging base model, on the connection's current catalog). A model missing
    from the warehouse is skipped, so a source without any is None."""
    from orchestration.contracts import TIMED_SOURCES
    from orchestration.quality.definitions import business_timestamps

    newest: dict[str, datetime | None] = {}
    for source in TIMED_SOURCES:
        values = []
        for query in business_timestamps(source):
            try:
                value = con.execute(query).fetchone()[0]
            except (duckdb.CatalogException, duckdb.BinderException):
                continue  # a warehouse without this model (e.g. a partial or test build)
            if value is not None:
                values.append(value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC))
        newest[source] = max(values) if values else None
    return newest


def last_build_finished(warehouse: Path) -> datetime | None:
    """When the pipeline last recorded a successful dbt build (naive UTC), from its state file."""
    from orchestration.build_state import state_file

    path = state_file(warehouse)
    if not path.exists():
        return None
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)


def plan_publish(con: duckdb.DuckDBPyConnection, catalog: str) -> PublishPlan:
    tables = list_tables(con, catalog)
    return PublishPlan(tables, quality_verdict(con, catalog, tables), freshness(con))


# ---------------------------------------------------------------------------- versions and paths
def versions() -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str | None:
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    project = installed("elearning-kpi-warehouse")
    if project is None:  # not pip-installed: read it where it is declared
        import tomllib

        with contextlib.suppress(OSError, KeyError, tomllib.TOMLDecodeError):
            project = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["project"]["version"]
    return {
        "dbt_version": installed("dbt-core"),
        "project_version": project,
        "git_commit": git_commit(),
        "duckdb_version": duckdb.__version__,
    }


def git_commit() -> str | None:
    """The checkout's commit (suffixed `-dirty` with uncommitted changes); None outside git."""
    try:
        head = subprocess.run(
            ["git", "-C", str(PROJECT_DIR), "rev-parse", "--short=12", "HEAD"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(PROJECT_DIR), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}-dirty" if dirty else head or None


def wal_path(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def temp_prefix(serving: Path) -> str:
    return f".{serving.name}.publishing-"


def warehouse_alias(warehouse: Path) -> str:
    """The catalog name dbt compiled marts views against: DuckDB's default, the file stem."""
    stem = warehouse.stem
    return stem if stem and stem not in RESERVED_ALIASES else "warehouse"


@contextlib.contextmanager
def exclusive_lock(target: Path, activity: str, error: type[Exception]) -> Iterator[None]:
    """One writer of `target` at a time (make run and Dagster may both try), through a lock file
    beside it; readers never take it. Fails at once with `error` rather than queueing a second,
    equally new write."""
    import fcntl

    target.parent.mkdir(parents=True, exist_ok=True)
    lock = target.with_name(f".{target.name}.lock")
    with open(lock, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise error(f"another {activity} to {target} is running (it holds {lock})") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def publish_lock(serving: Path) -> contextlib.AbstractContextManager[None]:
    return exclusive_lock(serving, "publish", PublishError)


def remove_leftovers(serving: Path) -> None:
    """Temporary files of a publish that crashed before its rename (only called under the lock)."""
    for path in serving.parent.glob(temp_prefix(serving) + "*"):
        path.unlink(missing_ok=True)


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ------------------------------------------------------------------------------- reading serving
def memory_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that files are ATTACHed to: UTC, and quiet (no progress bar in logs)."""
    con = duckdb_connect.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute("set enable_progress_bar = false")
    return con


def open_serving(serving: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the serving file as it is now (catalog `serving`, current).

    An in-memory connection that ATTACHes the file: unlike `duckdb.connect(path)`, it never
    reuses a database instance this process already holds for the path, so it sees the latest
    publish. Close it when done; reopen to see a newer publish."""
    if not serving.exists():
        raise FileNotFoundError(f"no serving file at {serving}: nothing has been published yet (make run)")
    con = memory_connection()
    try:
        con.execute(f"attach {sql_string(str(serving))} as serving (read_only)")
        con.execute("use serving")
    except BaseException:
        con.close()
        raise
    return con


def current_publish(serving: Path) -> dict[str, Any] | None:
    """The newest publish_log row of the serving file; None when there is no serving file."""
    if not serving.exists():
        return None
    with contextlib.closing(open_serving(serving)) as con:
        result = con.execute(f"select * from main.{PUBLISH_LOG} order by published_at desc limit 1")
        columns = [d[0] for d in result.description]
        row = result.fetchone()
    return dict(zip(columns, row, strict=True)) if row else None


def serving_status(serving: Path) -> str:
    """One line saying what the serving file holds, for a run's output (never raises)."""
    try:
        row = current_publish(serving)
    except (duckdb.Error, OSError) as error:
        return f"serving file {serving} could not be read: {error}"
    if row is None:
        return f"no serving file at {serving} yet"
    as_of = row["data_as_of"]
    historical = row.get("timeliness") == data_mode.TIMELINESS_NOT_APPLICABLE
    return (
        f"serving file {serving} holds publish {row['publish_id']} of {row['published_at']:%Y-%m-%d %H:%M:%S %Z}"
        + (f" (data as of {as_of:%Y-%m-%d %H:%M %Z})" if as_of else "")
        + (", a historical export: timeliness not applicable" if historical else "")
    )


# ----------------------------------------------------------------------------------- publishing
@dataclass(frozen=True)
class PublishResult:
    publish_id: str
    run_id: str
    serving_path: Path
    published_at: datetime
    storage_version: str
    row_counts: dict[tuple[str, str], int]
    data_as_of: datetime | None
    dq_run_id: str | None
    dq_score: float | None
    history_rows: int  # publish_log rows in the new file, this one included
    file_bytes: int
    seconds: float
    warnings: tuple[str, ...] = ()
    export: ExportResult | None = field(default=None)

    def lines(self) -> list[str]:
        per_schema: dict[str, int] = {}
        for schema, _ in self.row_counts:
            per_schema[schema] = per_schema.get(schema, 0) + 1
        schemas = ", ".join(f"{s} {n}" for s, n in per_schema.items())
        score = f"{self.dq_score:.2%}" if self.dq_score is not None else "n/a"
        as_of = f"{self.data_as_of:%Y-%m-%d %H:%M} UTC" if self.data_as_of else "unknown"
        lines = [
            f"published {len(self.row_counts)} tables ({schemas}), {sum(self.row_counts.values()):,} rows "
            f"to {self.serving_path} ({self.file_bytes / 1e6:.1f} MB, DuckDB storage {self.storage_version}) "
            f"in {self.seconds:.1f} s",
            f"publish {self.publish_id}, run {self.run_id}: data as of {as_of}, "
            f"quality score {score} (validation run {self.dq_run_id or 'none'}); "
            f"{self.history_rows} publish(es) in publish_log",
        ]
        lines += [f"WARNING {w}" for w in self.warnings]
        if self.export is not None:
            lines += self.export.lines()
        return lines


def new_publish_id(now: datetime) -> str:
    return f"{now.astimezone(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def carry_over_history(con: duckdb.DuckDBPyConnection, serving: Path, scratch: Path) -> list[str]:
    """Copy publish_log and publish_tables rows of the previous serving file into the new one
    (columns both have: the history survives a column added later). Returns warnings: the new
    publish must not fail because the old file is unreadable, it only loses the history."""
    if not serving.exists():
        return []
    try:
        con.execute(f"attach {sql_string(str(serving))} as {PREVIOUS_ALIAS} (read_only)")
    except duckdb.IOException:
        # A reader that opened the file read-write holds an exclusive lock; the pipeline must not
        # wait for it, so read the history from a byte copy instead.
        try:
            shutil.copyfile(serving, scratch)
            con.execute(f"attach {sql_string(str(scratch))} as {PREVIOUS_ALIAS} (read_only)")
        except (OSError, duckdb.Error) as error:
            return [f"publish history of {serving} not carried over (unreadable: {error})"]
    except duckdb.Error as error:
        return [f"publish history of {serving} not carried over (unreadable: {error})"]
    try:
        for table in (PUBLISH_LOG, PUBLISH_TABLES):
            previous = column_names(con, PREVIOUS_ALIAS, "main", table)
            if not previous:
                continue
            common = [c for c in column_names(con, NEW_ALIAS, "main", table) if c in previous]
            columns = ", ".join(q(c) for c in common)
            con.execute(
                f"insert into {NEW_ALIAS}.main.{table} ({columns}) select {columns} from {PREVIOUS_ALIAS}.main.{table}"
            )
    finally:
        con.execute(f"detach {PREVIOUS_ALIAS}")
    return []


def column_names(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from duckdb_columns() where database_name = ? and schema_name = ? and table_name = ? "
        "order by column_index",
        [catalog, schema, table],
    ).fetchall()
    return [r[0] for r in rows]


def record_publish(
    con: duckdb.DuckDBPyConnection,
    plan: PublishPlan,
    publish_id: str,
    run_id: str,
    published_at: datetime,
    warehouse: Path,
    storage_version: str,
) -> dict[tuple[str, str], int]:
    """Count what was copied and write this publish's publish_log and publish_tables rows."""
    counts: dict[tuple[str, str], int] = {}
    rows = []
    for t in plan.tables:
        count = con.execute(f"select count(*) from {NEW_ALIAS}.{q(t.schema)}.{q(t.name)}").fetchone()[0]
        counts[(t.schema, t.name)] = count
        rows.append((publish_id, t.schema, t.name, count, len(column_names(con, NEW_ALIAS, t.schema, t.name))))
    con.executemany(f"insert into {NEW_ALIAS}.main.{PUBLISH_TABLES} values (?, ?, ?, ?, ?)", rows)
    by_source = {s: (v.isoformat() if v else None) for s, v in plan.data_as_of_by_source.items()}
    verdict = plan.verdict
    info = versions()
    historical = data_mode.read(con, NEW_ALIAS).historical
    con.execute(
        f"insert into {NEW_ALIAS}.main.{PUBLISH_LOG} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            publish_id, published_at, run_id,
            verdict.run_id if verdict else None, verdict.score if verdict else None,
            plan.data_as_of, json.dumps(by_source),
            info["dbt_version"], info["project_version"], info["git_commit"], info["duckdb_version"],
            storage_version, len(counts), sum(counts.values()), str(warehouse),
            data_mode.TIMELINESS_NOT_APPLICABLE if historical else "measured",
        ],
    )
    return counts


def write_serving_file(
    con: duckdb.DuckDBPyConnection,
    plan: PublishPlan,
    catalog: str,
    temp: Path,
    serving: Path,
    publish_id: str,
    run_id: str,
    published_at: datetime,
    warehouse: Path,
    storage_version: str,
) -> tuple[dict[tuple[str, str], int], int, list[str]]:
    """Fill the temporary file and close it checkpointed (no WAL left): row counts per table,
    publish_log rows (history included) and warnings."""
    con.execute(f"attach {sql_string(str(temp))} as {NEW_ALIAS} (storage_version {sql_string(storage_version)})")
    con.execute("begin")
    for statement in copy_statements(plan.tables, catalog, NEW_ALIAS):
        con.execute(statement)
    con.execute(PUBLISH_LOG_DDL.format(db=NEW_ALIAS))
    con.execute(PUBLISH_TABLES_DDL.format(db=NEW_ALIAS))
    con.execute("commit")
    warnings = carry_over_history(con, serving, temp.with_name(temp.name + ".previous"))
    counts = record_publish(con, plan, publish_id, run_id, published_at, warehouse, storage_version)
    history = con.execute(f"select count(*) from {NEW_ALIAS}.main.{PUBLISH_LOG}").fetchone()[0]
    con.execute(f"checkpoint {NEW_ALIAS}")
    con.execute(f"detach {NEW_ALIAS}")
    if wal_path(temp).exists():
        raise PublishError(f"{wal_path(temp)} is left after the checkpoint: the serving file would be incomplete")
    return counts, history, warnings


def swap_in(temp: Path, serving: Path) -> None:
    """Make the new file durable and read-only, then replace the serving file in one rename."""
    fsync_path(temp)
    os.chmod(temp, 0o444)
    # Nobody may write the serving file, so a WAL beside it is a leftover; DuckDB would replay it
    # onto the new file when a reader opens it. Remove it before the new file takes the name.
    wal_path(serving).unlink(missing_ok=True)
    os.replace(temp, serving)
    with contextlib.suppress(OSError):  # published already; only durability across a crash is at stake
        fsync_path(serving.parent)


def publish(
    warehouse: Path,
    serving: Path,
    run_id: str | None = None,
    *,
    require_quality: bool = True,
    storage_version: str = STORAGE_VERSION,
    now: datetime | None = None,
) -> PublishResult:
    """Copy marts and audit of `warehouse` to `serving` if its latest build passed its blocking
    checks; raise PublishError (nothing published, the serving file untouched) otherwise."""
    started = time.perf_counter()
    if not warehouse.exists():
        raise PublishError(f"no warehouse at {warehouse}: nothing to publish; {serving_status(serving)}")
    published_at = (now or datetime.now(UTC)).astimezone(UTC)
    publish_id = new_publish_id(published_at)
    run_id = run_id or f"publish-{publish_id}"
    catalog = warehouse_alias(warehouse)
    with publish_lock(serving):
        remove_leftovers(serving)
        temp = serving.with_name(temp_prefix(serving) + publish_id)
        con = memory_connection()
        try:
            con.execute(f"attach {sql_string(str(warehouse))} as {q(catalog)} (read_only)")
            con.execute(f"use {q(catalog)}")
            plan = plan_publish(con, catalog)
            reasons = refusals(plan, warehouse, require_quality, last_build_finished(warehouse))
            if reasons:
                raise PublishError(
                    "not published: " + "; ".join(reasons) + f"\n  nothing changed: {serving_status(serving)}"
                )
            counts, history, warnings = write_serving_file(
                con, plan, catalog, temp, serving, publish_id, run_id, published_at, warehouse, storage_version
            )
            con.close()
            swap_in(temp, serving)
        except PublishError:
            discard(temp)
            raise
        except (duckdb.Error, OSError) as error:
            discard(temp)
            raise PublishError(
                f"publishing {warehouse} to {serving} failed: {type(error).__name__}: {error}"
                f"\n  nothing changed: {serving_status(serving)}"
            ) from error
        finally:
            con.close()
    return PublishResult(
        publish_id=publish_id,
        run_id=run_id,
        serving_path=serving,
        published_at=published_at,
        storage_version=storage_version,
        row_counts=counts,
        data_as_of=plan.data_as_of,
        dq_run_id=plan.verdict.run_id if plan.verdict else None,
        dq_score=plan.verdict.score if plan.verdict else None,
        history_rows=history,
        file_bytes=serving.stat().st_size,
        seconds=time.perf_counter() - started,
        warnings=tuple(warnings),
    )


def discard(temp: Path) -> None:
    for path in (temp, wal_path(temp), temp.with_name(temp.name + ".previous")):
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def publish_step(settings: Settings, run_id: str | None = None, export: bool = True) -> PublishResult:
    """The pipeline's publish step (after build and validate passed): publish the serving file,
    then export its marts to Parquet. Prints what it did; raises PublishError when nothing was
    published (the serving file unchanged), ExportError when the Parquet export failed (the
    serving file is then already the new publish)."""
    result = publish(settings.warehouse_path, settings.serving_path, run_id)
    print("\n".join(result.lines()), flush=True)
    if export:
        from orchestration.serving.export import export_marts

        exported = export_marts(settings.serving_path, settings.export_dir)
        print("\n".join(exported.lines()), flush=True)
        result = replace(result, export=exported)
    return result
