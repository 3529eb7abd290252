"""Load landing files into `raw.<entity>` with DuckDB's CSV reader, one transaction per file.

Raw keeps every row exactly as it arrived (all columns text, nothing filtered); each row carries
`_loaded_at`, `_source_file`, `_batch_id` and `_row_number`. The ledger `raw.load_ledger` records
every attempt. A file already loaded with the same checksum is skipped, so reruns are idempotent;
a file that fails is rolled back alone and recorded with its error.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from orchestration.contracts import ENTITIES, Entity
from orchestration.landing.checks import (
    ColumnTypeCount,
    FileRejected,
    check_column_types,
    check_header,
)
from orchestration.landing.discovery import LandingFile, discover, sha256

RAW_SCHEMA = "raw"
LEDGER = f"{RAW_SCHEMA}.load_ledger"
LINEAGE_COLUMNS = {
    "_loaded_at": "timestamp",
    "_source_file": "varchar",
    "_batch_id": "varchar",
    "_row_number": "bigint",
}
# How DuckDB tells whether a text value parses as the contract type.
PARSE_AS = {
    "integer": "bigint",
    "decimal": "decimal(18, 2)",
    "double": "double",
    "timestamp": "timestamptz",
    "date": "date",
    "boolean": "boolean",
}


@dataclass(frozen=True)
class FileResult:
    file: str
    entity: str
    status: str  # loaded | skipped | failed
    rows: int = 0
    error: str | None = None
    new_columns: tuple[str, ...] = ()
    seconds: float = 0.0


@dataclass
class LandingReport:
    run_id: str
    results: list[FileResult] = field(default_factory=list)
    raw_rows: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ledger and an (empty) raw table per contract entity, so dbt sources always resolve."""
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
    for entity in ENTITIES:
        columns = [f"{_quote(c)} varchar" for c in entity.column_names]
        columns += [f"{name} {kind}" for name, kind in LINEAGE_COLUMNS.items()]
        con.execute(
            f"create table if not exists {RAW_SCHEMA}.{entity.name} ({', '.join(columns)})"
        )


def _already_loaded(con: duckdb.DuckDBPyConnection, relative_path: str, checksum: str) -> bool:
    row = con.execute(
        f"select count(*) from {LEDGER} where file_path = ? and checksum = ? and status = 'loaded'",
        [relative_path, checksum],
    ).fetchone()
    return bool(row and row[0])


def _read_header_line(path: Path) -> str:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return handle.readline()
    except UnicodeDecodeError as error:
        raise FileRejected(f"not UTF-8 text ({error.reason} at byte {error.start})") from None


def _type_counts(
    con: duckdb.DuckDBPyConnection, entity: Entity, table: str
) -> list[ColumnTypeCount]:
    typed = [c for c in entity.columns if c.type in PARSE_AS]
    if not typed:
        return []
    selects = []
    for column in typed:
        name = _quote(column.name)
        unparseable = f"{name} is not null and try_cast({name} as {PARSE_AS[column.type]}) is null"
        selects += [
            f"count({name})",
            f"count(*) filter (where {unparseable})",
            f"min({name}) filter (where {unparseable})",
        ]
    values = con.execute(f"select {', '.join(selects)} from {table}").fetchone() or ()
    return [
        ColumnTypeCount(column.name, column.type, *values[i * 3 : i * 3 + 3])
        for i, column in enumerate(typed)
    ]


def _load_file(
    con: duckdb.DuckDBPyConnection,
    landing_file: LandingFile,
    batch_id: str,
    loaded_at: datetime,
) -> tuple[int, tuple[str, ...]]:
    """Load one file inside the caller's transaction; raise FileRejected with the reason."""
    entity = landing_file.entity
    if entity is None:
        raise FileRejected(
            f"no contract for folder '{landing_file.relative_path.rsplit('/', 1)[0]}': "
            "expected <source>/<entity>/ of orchestration/contracts.py"
        )
    header = check_header(_read_header_line(landing_file.path), entity)
    column_types = "{" + ", ".join(f"{_sql_literal(c)}: 'VARCHAR'" for c in header.columns) + "}"
    try:
        con.execute(
            f"""
            create or replace temp table landing_file as
            select *, row_number() over () as _row_number
            from read_csv(
                {_sql_literal(str(landing_file.path))},
                header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
                strict_mode = true, null_padding = false, columns = {column_types}
            )
            """
        )
    except duckdb.Error as error:
        first_lines = " ".join(str(error).strip().splitlines()[:2])
        raise FileRejected(f"malformed CSV: {first_lines}") from None
    check_column_types(_type_counts(con, entity, "landing_file"))

    table = f"{RAW_SCHEMA}.{entity.name}"
    existing = {
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [RAW_SCHEMA, entity.name],
        ).fetchall()
    }
    for column in header.new_columns:
        if column not in existing:
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
    checksum: str,
    result: FileResult,
    started_at: datetime,
) -> None:
    con.execute(
        f"insert into {LEDGER} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            batch_id,
            run_id,
            landing_file.relative_path,
            landing_file.entity.source if landing_file.entity else None,
            result.entity,
            checksum,
            landing_file.path.stat().st_size,
            result.status,
            result.rows,
            ",".join(result.new_columns) or None,
            result.error,
            started_at,
            datetime.now(timezone.utc).replace(tzinfo=None),
        ],
    )


def land_file(
    con: duckdb.DuckDBPyConnection, run_id: str, landing_file: LandingFile, loaded_at: datetime
) -> FileResult:
    started = time.perf_counter()
    checksum = sha256(landing_file.path)
    entity_name = landing_file.entity.name if landing_file.entity else landing_file.folder_entity
    if _already_loaded(con, landing_file.relative_path, checksum):
        return FileResult(landing_file.relative_path, entity_name, "skipped")
    started_at = datetime.now(timezone.utc).replace(tzinfo=None)
    batch_id = f"{started_at:%Y%m%dT%H%M%S%f}-{checksum[:12]}"
    con.execute("begin transaction")
    try:
        rows, new_columns = _load_file(con, landing_file, batch_id, loaded_at)
    except FileRejected as rejection:
        con.execute("rollback")
        result = FileResult(
            landing_file.relative_path,
            entity_name,
            "failed",
            error=f"{landing_file.relative_path}: {rejection}",
            seconds=time.perf_counter() - started,
        )
        _record(con, run_id, batch_id, landing_file, checksum, result, started_at)
        return result
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
    _record(con, run_id, batch_id, landing_file, checksum, result, started_at)
    con.execute("commit")
    return result


def land(
    landing_dir: Path,
    warehouse_path: Path,
    on_file: Callable[[int, int, FileResult], None] | None = None,
) -> LandingReport:
    """Land every new landing file into the warehouse; return what happened to each."""
    files = discover(landing_dir)
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    loaded_at = datetime.now(timezone.utc).replace(tzinfo=None)
    report = LandingReport(run_id=f"{loaded_at:%Y%m%dT%H%M%S%f}")
    with duckdb.connect(str(warehouse_path)) as con:
        con.execute("set TimeZone = 'UTC'")
        ensure_raw_schema(con)
        for index, landing_file in enumerate(files, start=1):
            result = land_file(con, report.run_id, landing_file, loaded_at)
            report.results.append(result)
            if on_file:
                on_file(index, len(files), result)
        for entity in ENTITIES:
            row = con.execute(f"select count(*) from {RAW_SCHEMA}.{entity.name}").fetchone()
            report.raw_rows[entity.name] = row[0] if row else 0
    return report
