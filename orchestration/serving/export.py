"""Parquet export of the published marts, for tools that read files rather than DuckDB.

Read from the serving file, not the warehouse, so the files are exactly the current publish.
Layout of EXPORT_DIR (default data/export):
    manifest.json            the publish it holds (publish_id, published_at, run_id, data_as_of,
                             dq_score, versions) and per table: file, rows, bytes, sha256, columns
    marts/<table>.parquet    one file per marts table (zstd)
Written to a sibling temporary directory, then swapped in with two renames: the old export is moved
aside and the new one takes its name, so a reader sees either export whole (for a moment none:
a directory cannot be atomically replaced by another non-empty one on POSIX).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

from orchestration.identifiers import sql_string
from orchestration.serving.publish import PUBLISH_LOG, exclusive_lock, open_serving, q

MANIFEST = "manifest.json"
EXPORTED_SCHEMA = "marts"
MANIFEST_VERSION = 1


class ExportError(Exception):
    """The Parquet export failed; the previous export directory is as it was."""


@dataclass(frozen=True)
class ExportResult:
    export_dir: Path
    publish_id: str | None
    tables: list[dict[str, Any]]  # the manifest's table entries
    seconds: float

    @property
    def total_bytes(self) -> int:
        return sum(t["bytes"] for t in self.tables)

    def lines(self) -> list[str]:
        rows = sum(t["rows"] for t in self.tables)
        return [
            f"exported {len(self.tables)} {EXPORTED_SCHEMA} tables, {rows:,} rows to {self.export_dir} "
            f"(Parquet, {self.total_bytes / 1e6:.1f} MB, {MANIFEST}) in {self.seconds:.1f} s"
        ]


def _json_value(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def table_entry(con: duckdb.DuckDBPyConnection, table: str, target: Path, root: Path) -> dict[str, Any]:
    """Write one table as Parquet and describe the file for the manifest."""
    relation = f"{q(EXPORTED_SCHEMA)}.{q(table)}"
    rows = con.execute(
        f"copy (select * from {relation}) to {sql_string(str(target))} (format parquet, compression zstd)"
    ).fetchone()[0]
    columns = con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where database_name = 'serving' and schema_name = ? and table_name = ? order by column_index",
        [EXPORTED_SCHEMA, table],
    ).fetchall()
    return {
        "schema": EXPORTED_SCHEMA,
        "table": table,
        "file": target.relative_to(root).as_posix(),
        "rows": int(rows),
        "bytes": target.stat().st_size,
        "sha256": sha256_file(target),
        "columns": [{"name": name, "type": data_type} for name, data_type in columns],
    }


def publish_metadata(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    result = con.execute(f"select * from main.{PUBLISH_LOG} order by published_at desc limit 1")
    names = [d[0] for d in result.description]
    row = result.fetchone()
    return {name: _json_value(value) for name, value in zip(names, row, strict=True)} if row else {}


def export_lock(export_dir: Path) -> contextlib.AbstractContextManager[None]:
    return exclusive_lock(export_dir, "export", ExportError)


def check_replaceable(export_dir: Path) -> None:
    """Only an earlier export (or nothing) is ever replaced: EXPORT_DIR pointed at a directory
    of other files must not be deleted."""
    foreign = export_dir.is_dir() and any(export_dir.iterdir()) and not (export_dir / MANIFEST).exists()
    if export_dir.exists() and (not export_dir.is_dir() or foreign):
        raise ExportError(f"refusing to replace {export_dir}: it is not an export directory (no {MANIFEST})")


def swap_directory(stage: Path, export_dir: Path) -> None:
    aside = export_dir.with_name(f".{export_dir.name}.replaced-{uuid.uuid4().hex[:8]}")
    if export_dir.exists():
        os.replace(export_dir, aside)
    os.replace(stage, export_dir)
    shutil.rmtree(aside, ignore_errors=True)


def export_marts(serving: Path, export_dir: Path) -> ExportResult:
    """Write every marts table of the serving file to EXPORT_DIR as Parquet, with a manifest."""
    started = time.perf_counter()
    check_replaceable(export_dir)
    with export_lock(export_dir):
        for leftover in export_dir.parent.glob(f".{export_dir.name}.exporting-*"):
            shutil.rmtree(leftover, ignore_errors=True)  # a crashed export's (we hold the lock)
        stage = export_dir.with_name(f".{export_dir.name}.exporting-{uuid.uuid4().hex[:8]}")
        (stage / EXPORTED_SCHEMA).mkdir(parents=True)
        try:
            with contextlib.closing(open_serving(serving)) as con:
                tables = [
                    r[0]
                    for r in con.execute(
                        "select table_name from duckdb_tables() where database_name = 'serving' and schema_name = ? "
                        "order by table_name",
                        [EXPORTED_SCHEMA],
                    ).fetchall()
                ]
                entries = [table_entry(con, t, stage / EXPORTED_SCHEMA / f"{t}.parquet", stage) for t in tables]
                publish = publish_metadata(con)
            manifest = {
                "manifest_version": MANIFEST_VERSION,
                "format": "parquet",
                "exported_at": datetime.now(UTC).isoformat(),
                "serving_file": str(serving),
                "publish": publish,
                "tables": entries,
            }
            (stage / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
            swap_directory(stage, export_dir)
        except (duckdb.Error, OSError) as error:
            shutil.rmtree(stage, ignore_errors=True)
            raise ExportError(f"exporting {serving} to {export_dir} failed: {type(error).__name__}: {error}") from error
    return ExportResult(export_dir, publish.get("publish_id"), entries, time.perf_counter() - started)


def read_manifest(export_dir: Path) -> dict[str, Any]:
    path = export_dir / MANIFEST
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise ExportError(f"no export at {export_dir} ({MANIFEST} missing)") from None
