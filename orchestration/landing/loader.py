"""Load landing files into `raw.<entity>` with DuckDB's CSV reader: the files of one entity with
the same header in batches, one transaction each, up to DuckDB's `threads` batches at once; a batch
that fails is landed again one file per transaction, so a bad file is refused alone.

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

import contextlib
import hashlib
import os
import stat
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from orchestration import duckdb_connect
from orchestration.contracts import ENTITIES
from orchestration.identifiers import shown, sql_string, unsafe_column_name
from orchestration.landing.checks import FileRejected, HeaderCheck, check_header
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


def _previous_outcomes(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], PreviousOutcome]:
    """The latest ledger outcome of every file version (path, checksum): one query per run, not
    one per file."""
    rows = con.execute(
        f"""
        select file_path, checksum, status, batch_id, error from {LEDGER}
        qualify row_number() over (
            partition by file_path, checksum order by finished_at desc, batch_id desc
        ) = 1
        """
    ).fetchall()
    return {(path, checksum): PreviousOutcome(*rest) for path, checksum, *rest in rows}


def _read_header_line(path: Path) -> str:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return handle.readline()


@contextmanager
def _plain_names(paths: list[Path]) -> Iterator[list[str]]:
    """The files under names of ours: DuckDB reads `*`, `?` and `[...]` in a path as a glob, and a
    landing file's name is the sender's data."""
    with tempfile.TemporaryDirectory(prefix="landing-") as directory:
        aliases = []
        for number, path in enumerate(paths):
            # one file keeps the name it always had: a refusal's text may quote it, and a rerun
            # records a refusal again only when its text changes
            alias = Path(directory) / ("file.csv" if len(paths) == 1 else f"file-{number:05d}.csv")
            alias.symlink_to(path.resolve())
            aliases.append(str(alias))
        yield aliases


def _read_csv(header: HeaderCheck, extra: str = "") -> str:
    """The read_csv call of landing files with `header`'s columns (all text, nothing guessed), of
    the file list bound to the statement's first parameter."""
    column_types = "{" + ", ".join(f"{sql_string(c)}: 'VARCHAR'" for c in header.columns) + "}"
    return f"""read_csv(
        ?, {extra}
        header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
        strict_mode = true, null_padding = false, max_line_size = {MAX_LINE_BYTES},
        columns = {column_types}
    )"""


def _malformed(error: duckdb.Error) -> FileRejected:
    first_lines = " ".join(str(error).strip().splitlines()[:2])
    return FileRejected(f"malformed CSV: {first_lines}")


def _add_new_columns(con: duckdb.DuckDBPyConnection, entity_name: str, header: HeaderCheck) -> None:
    """Drift, or a mapping that names the contract's columns anew: raw takes every column as text."""
    existing = {
        row[0].lower()
        for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [RAW_SCHEMA, entity_name],
        ).fetchall()
    }
    for column in header.columns:
        if column.lower() not in existing:
            con.execute(f"alter table {RAW_SCHEMA}.{entity_name} add column {_quote(column)} varchar")


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
    try:
        with _plain_names([landing_file.path]) as readable:
            con.execute(
                f"""
            create or replace temp table landing_file as
            select *, row_number() over () as _row_number
            from {_read_csv(header)}
            """,
                [readable[0]],
            )
    except duckdb.Error as error:
        raise _malformed(error) from None

    _add_new_columns(con, entity.name, header)
    con.execute(
        f"""
        insert into {RAW_SCHEMA}.{entity.name} by name
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


@dataclass(frozen=True)
class Seen:
    """What a run knows of a file before it lands it."""

    file_scan: FileScan
    previous: PreviousOutcome | None
    # with the checksum it names the file's batch; staging orders a run's batches by their ids, so a
    # run hands start times out in the files' order, whatever order it then loads them in
    started_at: datetime

    @property
    def batch_id(self) -> str:
        return f"{self.started_at:%Y%m%dT%H%M%S%f}-{self.file_scan.checksum[:12]}"


def _look(con: duckdb.DuckDBPyConnection, landing_file: LandingFile) -> Seen:
    file_scan = scan_entry(landing_file)
    previous = _previous_outcome(con, landing_file.relative_path, file_scan.checksum)
    return Seen(file_scan, previous, _utc_now())


def _entity_name(landing_file: LandingFile) -> str:
    return landing_file.entity.name if landing_file.entity else landing_file.folder_entity


def _settled(landing_file: LandingFile, seen: Seen) -> FileOutcome | None:
    """The outcome of a file whose version was loaded or set aside before: nothing to load."""
    previous = seen.previous
    if previous is None or previous.status not in ("loaded", "set_aside"):
        return None
    if previous.status == "loaded":
        result = FileResult(landing_file.relative_path, _entity_name(landing_file), "skipped")
    else:
        result = FileResult(
            landing_file.relative_path, _entity_name(landing_file), "set_aside", error=previous.error,
            estimated_rows=seen.file_scan.estimated_rows,
        )
    return FileOutcome(result, seen.file_scan.checksum, previous.batch_id)


def land_file(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    landing_file: LandingFile,
    loaded_at: datetime,
    seen: Seen | None = None,
) -> FileOutcome:
    """Land one file, unless this version of it was loaded or set aside before. `seen`: what the
    run knows of it already (looked up now when not given)."""
    started = time.perf_counter()
    seen = seen or _look(con, landing_file)
    settled = _settled(landing_file, seen)
    if settled is not None:
        return settled
    file_scan, previous = seen.file_scan, seen.previous
    started_at, batch_id = seen.started_at, seen.batch_id
    entity_name = _entity_name(landing_file)
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


# A batch is one transaction: few commits and checkpoints; the bound keeps what a failed batch
# costs again, when its files are landed one by one, small.
GROUP_BYTES = 64 << 20


@dataclass(frozen=True)
class Pending:
    """A file of this run still to land; `header` when it may be read together with others."""

    index: int  # its place in the run, from 1 (on_file's)
    landing_file: LandingFile
    seen: Seen
    header: HeaderCheck | None


def _groupable_header(landing_file: LandingFile, seen: Seen) -> HeaderCheck | None:
    """The header of a file to read together with others of its entity, or None for a file that
    goes alone: one with a known problem, one refused before (likely again: alone, it costs no
    batch a second read) or whose header is refused (land_file records why)."""
    if landing_file.mapping is None or seen.file_scan.problem is not None or seen.previous is not None:
        return None
    try:
        return check_header(_read_header_line(landing_file.path), landing_file.mapping)
    except FileRejected:
        return None


def _batches(pending: list[Pending]) -> list[list[Pending]]:
    """The files to land as units, in the order of their first file: files of one entity with the
    same columns in batches of up to GROUP_BYTES (a larger file alone), every other file alone."""
    units: list[list[Pending]] = []
    open_batches: dict[tuple[str, tuple[str, ...]], tuple[list[Pending], int]] = {}
    for item in pending:
        if item.header is None:
            units.append([item])
            continue
        key = (_entity_name(item.landing_file), item.header.columns)
        size = item.seen.file_scan.size
        batch, batch_bytes = open_batches.get(key, ([], 0))
        if not batch or batch_bytes + size > GROUP_BYTES:
            batch, batch_bytes = [], 0
            units.append(batch)
        batch.append(item)
        open_batches[key] = (batch, batch_bytes + size)
    return units


def _insert_group(
    con: duckdb.DuckDBPyConnection, batch: list[Pending], loaded_at: datetime
) -> dict[str, int]:
    """Insert the batch's rows into raw with the lineage land_file gives each file, inside the
    caller's transaction; each file's rows by path. One insert per file numbers its rows as
    land_file does, row_number() over the file's own read, and is the only pass over the file: no
    count read, no temporary table. That numbering runs on one DuckDB thread (see _one_thread_each)."""
    header = batch[0].header
    assert header is not None, "only files with a checked header are batched"
    entity_name = _entity_name(batch[0].landing_file)
    _add_new_columns(con, entity_name, header)
    rows: dict[str, int] = {}
    with _plain_names([item.landing_file.path for item in batch]) as aliases:
        for item, alias in zip(batch, aliases, strict=True):
            inserted = con.execute(
                f"""
                insert into {RAW_SCHEMA}.{entity_name} by name
                select
                    *,
                    row_number() over () as _row_number,
                    ?::timestamp as _loaded_at,
                    ? as _source_file,
                    ? as _batch_id
                from {_read_csv(header)}
                """,
                [loaded_at, item.landing_file.relative_path, item.seen.batch_id, alias],
            ).fetchone()
            rows[item.landing_file.relative_path] = inserted[0] if inserted else 0
    return rows


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction; a commit that failed has ended it already."""
    with contextlib.suppress(duckdb.TransactionException):
        con.execute("rollback")


def _land_group(
    con: duckdb.DuckDBPyConnection, run_id: str, batch: list[Pending], loaded_at: datetime
) -> list[FileOutcome] | None:
    """Land a batch of files in one transaction, with the ledger row each file gets alone; None
    when the batch fails (nothing of it is kept)."""
    started = time.perf_counter()
    con.execute("begin transaction")
    try:
        rows = _insert_group(con, batch, loaded_at)
        seconds = time.perf_counter() - started
        batch_bytes = sum(item.seen.file_scan.size for item in batch) or 1
        outcomes = []
        for item in batch:
            landing_file, seen = item.landing_file, item.seen
            result = FileResult(
                landing_file.relative_path,
                _entity_name(landing_file),
                "loaded",
                rows=rows[landing_file.relative_path],
                new_columns=item.header.new_columns if item.header else (),
                seconds=seconds * seen.file_scan.size / batch_bytes,  # the batch's time, by size
            )
            _record(con, run_id, seen.batch_id, landing_file, seen.file_scan, result, seen.started_at)
            outcomes.append(FileOutcome(result, seen.file_scan.checksum, seen.batch_id))
        con.execute("commit")
    except duckdb.Error:
        _rollback(con)
        return None
    except BaseException:
        _rollback(con)
        raise
    return outcomes


def _start_times() -> Iterator[datetime]:
    """Now, strictly increasing: two files of a run with the same bytes still get two batch ids."""
    last: datetime | None = None
    while True:
        now = _utc_now()
        last = now if last is None or now > last else last + timedelta(microseconds=1)
        yield last


def _plan(
    con: duckdb.DuckDBPyConnection, files: list[LandingFile]
) -> tuple[dict[int, FileOutcome], list[Pending]]:
    """The outcomes of files loaded or set aside before, and the files still to land, from one
    read of the ledger."""
    previous = _previous_outcomes(con)
    starts = _start_times()
    settled: dict[int, FileOutcome] = {}
    pending: list[Pending] = []
    for index, landing_file in enumerate(files, start=1):
        file_scan = scan_entry(landing_file)
        seen = Seen(file_scan, previous.get((landing_file.relative_path, file_scan.checksum)), next(starts))
        outcome = _settled(landing_file, seen)
        if outcome is not None:
            settled[index] = outcome
        else:
            pending.append(Pending(index, landing_file, seen, _groupable_header(landing_file, seen)))
    return settled, pending


def _land_unit(
    con: duckdb.DuckDBPyConnection, run_id: str, unit: list[Pending], loaded_at: datetime
) -> list[FileOutcome]:
    """The outcomes of a unit's files, landed on a cursor of its own (a transaction per cursor,
    so units land side by side). A batch that fails is landed again file by file: the bad file
    gets its own refusal, the good ones still land."""
    with con.cursor() as cursor:
        landed = _land_group(cursor, run_id, unit, loaded_at) if unit[0].header is not None else None
        if landed is not None:
            return landed
        return [land_file(cursor, run_id, item.landing_file, loaded_at, item.seen) for item in unit]


def _alters_raw(con: duckdb.DuckDBPyConnection, unit: list[Pending]) -> bool:
    """Whether landing the unit may add columns to its raw table: a file whose header is not
    checked yet (land_file checks it), or a header with columns raw lacks."""
    header = unit[0].header
    if header is None:
        return True
    existing = {
        row[0].lower()
        for row in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [RAW_SCHEMA, _entity_name(unit[0].landing_file)],
        ).fetchall()
    }
    return any(column.lower() not in existing for column in header.columns)


def _landed_in_order(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    units: list[list[Pending]],
    loaded_at: datetime,
    workers: int,
) -> Iterator[tuple[list[Pending], list[FileOutcome]]]:
    """Each unit with its outcomes, in the units' order, up to `workers` units landing at once. A
    unit that may add columns lands with no other in flight: DuckDB refuses to alter a table that
    another open transaction appends to."""
    in_flight: deque[tuple[list[Pending], Future[list[FileOutcome]]]] = deque()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="landing") as pool:
        for unit in units:
            alone = _alters_raw(con, unit)
            while in_flight and (alone or len(in_flight) >= workers):
                finished, future = in_flight.popleft()
                yield finished, future.result()
            in_flight.append((unit, pool.submit(_land_unit, con, run_id, unit, loaded_at)))
            if alone:
                finished, future = in_flight.popleft()
                yield finished, future.result()
        while in_flight:
            finished, future = in_flight.popleft()
            yield finished, future.result()


@contextmanager
def _one_thread_each(con: duckdb.DuckDBPyConnection) -> Iterator[int]:
    """DuckDB's thread budget (`threads`, from the settings) spent as that many units landing at
    once, DuckDB at one thread each; yields the budget. A file's numbering, row_number() over its
    read, runs its insert on one thread whatever the budget, and DuckDB's parallel CSV scan driven
    by that one thread took about twice the CPU of a one-thread scan (measured, 1.5.6). The
    instance gets its budget back after landing."""
    row = con.execute("select current_setting('threads')").fetchone()
    threads = int(row[0]) if row else 1
    con.execute("set threads = 1")
    try:
        yield threads
    finally:
        con.execute(f"set threads = {threads}")


def _land_files(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    files: list[LandingFile],
    loaded_at: datetime,
    on_file: Callable[[int, int, FileResult], None] | None,
) -> list[FileOutcome]:
    """Every file's outcome, in the files' order."""
    outcomes, pending = _plan(con, files)

    def done(index: int, outcome: FileOutcome) -> None:
        outcomes[index] = outcome
        if on_file:
            on_file(index, len(files), outcome.result)

    for index in sorted(outcomes):
        if on_file:
            on_file(index, len(files), outcomes[index].result)
    with _one_thread_each(con) as workers:
        for unit, landed in _landed_in_order(con, run_id, _batches(pending), loaded_at, workers):
            for item, outcome in zip(unit, landed, strict=True):
                done(item.index, outcome)
    return [outcomes[index] for index in sorted(outcomes)]


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
    with duckdb_connect.connect(str(warehouse_path)) as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute("set enable_progress_bar = false")  # a batch reads long enough to draw one in logs
        ensure_raw_schema(con, mappings)
        outcomes = _land_files(con, report.run_id, files, loaded_at, on_file)
        report.results.extend(outcome.result for outcome in outcomes)
        _write_inventory(con, outcomes, loaded_at)
        for entity in ENTITIES:
            row = con.execute(f"select count(*) from {RAW_SCHEMA}.{entity.name}").fetchone()
            report.raw_rows[entity.name] = row[0] if row else 0
    return report
