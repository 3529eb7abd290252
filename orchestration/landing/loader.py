"""Load landing files into `raw.<entity>` with DuckDB's CSV reader, one transaction per file.

Raw keeps every row exactly as it arrived (all columns text, nothing filtered); each row carries
`_loaded_at`, `_source_file`, `_batch_id` and `_row_number`. The ledger `raw.load_ledger` records
each outcome of a file version (path + checksum): loaded, failed (refused whole, with the reason
and the rows it would hold, estimated from its lines) or set aside by a person. A file already
loaded is skipped, so reruns are idempotent; a refused file is tried again on every run (a fix
elsewhere may let it in) but recorded again only when the reason changes. `raw.landing_inventory`
is what the landing dir holds now, each file with its current outcome: the completeness standard
counts the refused ones as missing records.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration import duckdb_connect
from orchestration.contracts import ENTITIES
from orchestration.identifiers import shown, sql_string, unsafe_column_name
from orchestration.landing.checks import FileRejected, check_header
from orchestration.landing.discovery import LandingFile, discover
from orchestration.landing.scan import MAX_LINE_BYTES, FileScan, scan
from orchestration.mapping import SourceMapping, load_mappings

RAW_SCHEMA = "raw"
LEDGER = f"{RAW_SCHEMA}.load_ledger"
INVENTORY = f"{RAW_SCHEMA}.landing_inventory"
LINEAGE_COLUMNS = {
    "_loaded_at": "timestamp",
    "_source_file": "varchar",
    "_batch_id": "varchar",
    "_row_number": "bigint",
}


class LandingError(Exception):
    """The warehouse cannot take landing files at all; the message says what to do."""


@dataclass(frozen=True)
class FileResult:
    file: str
    entity: str
    status: str  # loaded | skipped (loaded before) | failed (refused) | set_aside
    rows: int = 0
    error: str | None = None
    new_columns: tuple[str, ...] = ()
    seconds: float = 0.0
    estimated_rows: int = 0  # of a refused file: its lines less the header
    unchanged: bool = False  # a refusal already recorded by an earlier run

@dataclass
class LandingReport:
    run_id: str
    results: list[FileResult] = field(default_factory=list)
    raw_rows: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> list[FileResult]:
        """Refused files, newly or as before: their rows are missing until fixed, removed or set aside."""
        return [r for r in self.results if r.status == "failed"]

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def ensure_raw_schema(
    con: duckdb.DuckDBPyConnection, mappings: Mapping[str, SourceMapping] | None = None
) -> None:
    """Create the ledger, the inventory and a raw table per contract entity with the columns its
    mapping names (so dbt sources always resolve, files or not); refuse a warehouse whose raw
    tables hold a column name that is not safe."""
    mappings = load_mappings(None) if mappings is None else mappings
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(
        f"""
        create table if not exists {LEDGER} (
            batch_id varchar primary key,
            run_id varchar not null,
            file_path varchar not null,
            source_name varchar,
            entity varchar,
            checksum varchar not null,
            file_bytes bigint not null,
            status varchar not null,
            rows_loaded bigint not null,
            new_columns varchar,
            error varchar,
            started_at timestamp not null,
            finished_at timestamp not null
        )
        """
    )
    for column, kind in (("estimated_rows", "bigint"), ("set_aside_by", "varchar"), ("set_aside_reason", "varchar")):
        con.execute(f"alter table {LEDGER} add column if not exists {column} {kind}")
    con.execute(
        f"""
        create table if not exists {INVENTORY} (
            file_path varchar primary key,
            checksum varchar not null,
            status varchar not null,
            batch_id varchar,
            estimated_rows bigint not null,
            error varchar,
            inventoried_at timestamp not null
        )
        """
    )
    for entity in ENTITIES:
        mapping = mappings[entity.source].entities[entity.name]
        exported = [mapping.export_column(c) for c in entity.column_names if c not in mapping.defaults]
        columns = [f"{_quote(c)} varchar" for c in exported]
        columns += [f"{name} {kind}" for name, kind in LINEAGE_COLUMNS.items()]
        table = f"{RAW_SCHEMA}.{entity.name}"
        con.execute(f"create table if not exists {table} ({', '.join(columns)})")
        for column in exported:  # a mapping changed since the table was made
            con.execute(f"alter table {table} add column if not exists {_quote(column)} varchar")
    _refuse_unsafe_raw_columns(con)


def _refuse_unsafe_raw_columns(con: duckdb.DuckDBPyConnection) -> None:
    """A column landed before the column-name rule existed would reach dbt's SQL: stop, naming it
    and the file that brought it, instead of failing later inside a model or unit test."""
    columns = con.execute(
        "select table_name, column_name from information_schema.columns where table_schema = ?",
        [RAW_SCHEMA],
    ).fetchall()
    unsafe = [
        (table, column)
        for table, column in columns
        if column not in LINEAGE_COLUMNS and unsafe_column_name(column) is not None
    ]
    if not unsafe:
        return
    lines = []
    for table, column in unsafe:
        files = con.execute(
            f"select distinct file_path from {LEDGER} where entity = ? and status = 'loaded' "
            "and list_contains(string_split(new_columns, ','), ?) order by 1",
            [table, column],
        ).fetchall()
        brought_by = ", ".join(f[0] for f in files) or "an unknown file"
        lines.append(f"raw.{table} column {shown(column)} (landed from {brought_by})")
    raise LandingError(
        "the warehouse holds column names that break the column-name rule, landed before the rule "
        "existed: " + "; ".join(lines) + ". Rebuild the warehouse from the landing files "
        "(remove it, or make clean) after fixing or removing those files."
    )


@dataclass(frozen=True)
class PreviousOutcome:
    status: str
    batch_id: str
    error: str | None


def _previous_outcome(
    con: duckdb.DuckDBPyConnection, relative_path: str, checksum: str
) -> PreviousOutcome | None:
    """The latest ledger outcome of this version of the file, if any."""
    row = con.execute(
        f"""
        select status, batch_id, error from {LEDGER}
        where file_path = ? and checksum = ?
        order by finished_at desc, batch_id desc
        limit 1
        """,
        [relative_path, checksum],
    ).fetchone()
    return PreviousOutcome(*row) if row else None


def _read_header_line(path: Path) -> str:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return handle.readline()


@contextmanager
def _plain_name(path: Path) -> Iterator[Path]:
    """The file under a name of ours: DuckDB reads `*`, `?` and `[...]` in a path as a glob, and a
    landing file's name is the sender's data."""
    with tempfile.TemporaryDirectory(prefix="landing-") as directory:
        alias = Path(directory) / "file.csv"
        alias.symlink_to(path.resolve())
        yield alias


def _load_file(
    con: duckdb.DuckDBPyConnection,
    landing_file: LandingFile,
    batch_id: str,
    loaded_at: datetime,
) -> tuple[int, tuple[str, ...]]:
    """Load one file inside the caller's transaction; raise FileRejected with the reason."""
    mapping = landing_file.mapping
    assert mapping is not None, "discovery refuses files no mapping claims"
    entity = mapping.entity
    header = check_header(_read_header_line(landing_file.path), mapping)
    column_types = "{" + ", ".join(f"{sql_string(c)}: 'VARCHAR'" for c in header.columns) + "}"
    try:
        with _plain_name(landing_file.path) as readable:
            con.execute(
                f"""
            create or replace temp table landing_file as
            select *, row_number() over () as _row_number
            from read_csv(
                {sql_string(str(readable))},
                header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
                strict_mode = true, null_padding = false, max_line_size = {MAX_LINE_BYTES},
                columns = {column_types}
            )
            """
            )
    except duckdb.Error as error:
        first_lines = " ".join(str(error).strip().splitlines()[:2])
        raise FileRejected(f"malformed CSV: {first_lines}") from None

    table = f"{RAW_SCHEMA}.{entity.name}"
    existing = {
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [RAW_SCHEMA, entity.name],
        ).fetchall()
    }
    existing_lower = {name.lower() for name in existing}
    for column in header.columns:  # drift, or a mapping that names the contract's columns anew
        if column.lower() not in existing_lower:
            con.execute(f"alter table {table} add column {_quote(column)} varchar")
    con.execute(
        f"""
        insert into {table} by name
        select *, ?::timestamp as _loaded_at, ? as _source_file, ? as _batch_id
        from landing_file
        """,
        [loaded_at, landing_file.relative_path, batch_id],
    )
    row = con.execute("select count(*) from landing_file").fetchone()
    con.execute("drop table landing_file")
    return (row[0] if row else 0), header.new_columns


def _record(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    batch_id: str,
    landing_file: LandingFile,
    file_scan: FileScan,
    result: FileResult,
    started_at: datetime,
) -> None:
    con.execute(
        f"""
        insert into {LEDGER} (
            batch_id, run_id, file_path, source_name, entity, checksum, file_bytes, status,
            rows_loaded, new_columns, error, started_at, finished_at, estimated_rows
        )
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
            batch_id,
            run_id,
            landing_file.relative_path,
            landing_file.entity.source if landing_file.entity else None,
            result.entity,
            file_scan.checksum,
            file_scan.size,
            result.status,
            result.rows,
            ",".join(result.new_columns) or None,
            result.error,
            started_at,
            _utc_now(),
            result.estimated_rows,
        ],
    )


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def scan_entry(landing_file: LandingFile) -> FileScan:
    """The file's scan, with the discovery's refusal if it has one. A link or other non-regular
    entry is never opened: its checksum is that of its name and target, so the ledger can still
    record it once."""
    if stat.S_ISREG(landing_file.path.lstat().st_mode):
        file_scan = scan(landing_file.path)
        return replace(file_scan, problem=landing_file.refusal or file_scan.problem)
    try:
        target = os.readlink(landing_file.path)
    except OSError:
        target = ""
    checksum = hashlib.sha256(f"{landing_file.relative_path}\0{target}".encode()).hexdigest()
    return FileScan(checksum, 0, 0, landing_file.refusal)


@dataclass(frozen=True)
class FileOutcome:
    result: FileResult
    checksum: str
    batch_id: str  # the ledger row that holds the file's current outcome


def land_file(
    con: duckdb.DuckDBPyConnection, run_id: str, landing_file: LandingFile, loaded_at: datetime
) -> FileOutcome:
    """Land one file, unless this version of it was loaded or set aside before."""
    started = time.perf_counter()
    file_scan = scan_entry(landing_file)
    entity_name = landing_file.entity.name if landing_file.entity else landing_file.folder_entity
    previous = _previous_outcome(con, landing_file.relative_path, file_scan.checksum)
    if previous and previous.status == "loaded":
        result = FileResult(landing_file.relative_path, entity_name, "skipped")
        return FileOutcome(result, file_scan.checksum, previous.batch_id)
    if previous and previous.status == "set_aside":
        result = FileResult(
            landing_file.relative_path, entity_name, "set_aside", error=previous.error,
            estimated_rows=file_scan.estimated_rows,
        )
        return FileOutcome(result, file_scan.checksum, previous.batch_id)
    started_at = _utc_now()
    batch_id = f"{started_at:%Y%m%dT%H%M%S%f}-{file_scan.checksum[:12]}"
    con.execute("begin transaction")
    try:
        if file_scan.problem is not None:
            raise FileRejected(file_scan.problem)
        rows, new_columns = _load_file(con, landing_file, batch_id, loaded_at)
    except (FileRejected, duckdb.Error) as rejection:
        con.execute("rollback")
        reason = rejection if isinstance(rejection, FileRejected) else _first_lines(rejection)
        result = FileResult(
            landing_file.relative_path,
            entity_name,
            "failed",
            error=f"{landing_file.relative_path}: {reason}",
            seconds=time.perf_counter() - started,
            estimated_rows=file_scan.estimated_rows,
        )
        if previous and previous.status == "failed" and previous.error == result.error:
            return FileOutcome(replace(result, unchanged=True), file_scan.checksum, previous.batch_id)
        _record(con, run_id, batch_id, landing_file, file_scan, result, started_at)
        return FileOutcome(result, file_scan.checksum, batch_id)
    except BaseException:
        con.execute("rollback")
        raise
    result = FileResult(
        landing_file.relative_path,
        entity_name,
        "loaded",
        rows=rows,
        new_columns=new_columns,
        seconds=time.perf_counter() - started,
    )
    _record(con, run_id, batch_id, landing_file, file_scan, result, started_at)
    con.execute("commit")
    return FileOutcome(result, file_scan.checksum, batch_id)


def _first_lines(error: duckdb.Error) -> str:
    return "could not be loaded: " + " ".join(str(error).strip().splitlines()[:2])


def _write_inventory(con: duckdb.DuckDBPyConnection, outcomes: list[FileOutcome], at: datetime) -> None:
    """Replace the inventory with what the landing dir holds now."""
    con.execute("begin transaction")
    con.execute(f"delete from {INVENTORY}")
    con.executemany(
        f"insert into {INVENTORY} values (?, ?, ?, ?, ?, ?, ?)",
        [
            [
                o.result.file,
                o.checksum,
                "loaded" if o.result.status == "skipped" else o.result.status,
                o.batch_id,
                o.result.estimated_rows,
                o.result.error,
                at,
            ]
            for o in outcomes
        ],
    )
    con.execute("commit")


def land(
    landing_dir: Path,
    warehouse_path: Path,
    on_file: Callable[[int, int, FileResult], None] | None = None,
    mappings: Mapping[str, SourceMapping] | None = None,
) -> LandingReport:
    """Land every new landing file into the warehouse; return what happened to each.

    mappings: the source mappings (orchestration.mapping.load_mappings); default one to one."""
    mappings = load_mappings(None) if mappings is None else mappings
    files = discover(landing_dir, mappings)
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    loaded_at = _utc_now()
    report = LandingReport(run_id=f"{loaded_at:%Y%m%dT%H%M%S%f}")
    outcomes: list[FileOutcome] = []
    with duckdb_connect.connect(str(warehouse_path)) as con:
        con.execute("set TimeZone = 'UTC'")
        ensure_raw_schema(con, mappings)
        for index, landing_file in enumerate(files, start=1):
            outcome = land_file(con, report.run_id, landing_file, loaded_at)
            outcomes.append(outcome)
            report.results.append(outcome.result)
            if on_file:
                on_file(index, len(files), outcome.result)
        _write_inventory(con, outcomes, loaded_at)
        for entity in ENTITIES:
            row = con.execute(f"select count(*) from {RAW_SCHEMA}.{entity.name}").fetchone()
            report.raw_rows[entity.name] = row[0] if row else 0
    return report
