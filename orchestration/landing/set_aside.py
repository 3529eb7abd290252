"""`python -m orchestration.landing.set_aside PATH --reason TEXT`: accept that a refused file stays out.

A refused landing file counts against completeness (its rows are missing records) until it is
fixed, removed, or set aside here. Setting aside is a decision a person makes and signs: the
ledger keeps it as its own row (status `set_aside`, who, when, why), for that version of the file
only: a changed file is tried again.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from orchestration import duckdb_connect
from orchestration.landing.discovery import discover
from orchestration.landing.loader import (
    INVENTORY,
    LEDGER,
    _previous_outcome,
    _utc_now,
    ensure_raw_schema,
    scan_entry,
)
from orchestration.mapping import MappingError, SourceMapping, load_mappings
from orchestration.pipeline_lock import LockBusy, warehouse_lock
from orchestration.settings import Settings


class SetAsideError(Exception):
    """The file cannot be set aside; the message says why."""


@dataclass(frozen=True)
class SetAside:
    file_path: str
    batch_id: str
    by: str
    reason: str
    at: datetime
    estimated_rows: int


def set_aside(
    warehouse: Path,
    landing_dir: Path,
    relative_path: str,
    reason: str,
    by: str,
    mappings: Mapping[str, SourceMapping] | None = None,
) -> SetAside:
    if not reason.strip():
        raise SetAsideError("say why the file is set aside (--reason): the ledger keeps it for whoever asks later")
    if not by.strip():
        raise SetAsideError("say who sets the file aside (--by)")
    files = {f.relative_path: f for f in discover(landing_dir, mappings)}
    landing_file = files.get(relative_path)
    if landing_file is None:
        raise SetAsideError(
            f"{relative_path} is not in the landing dir {landing_dir}: a removed file no longer counts "
            "as missing, so there is nothing to set aside"
        )
    file_scan = scan_entry(landing_file)
    with duckdb_connect.connect(str(warehouse)) as con:
        ensure_raw_schema(con, mappings)
        previous = _previous_outcome(con, relative_path, file_scan.checksum)
        if previous is None:
            raise SetAsideError(f"{relative_path} has not been landed in this version yet: run make land first")
        if previous.status != "failed":
            raise SetAsideError(f"{relative_path} is not refused: this version of it is {previous.status}")
        at = _utc_now()
        batch_id = f"{at:%Y%m%dT%H%M%S%f}-{file_scan.checksum[:12]}"
        entity = landing_file.entity.name if landing_file.entity else landing_file.folder_entity
        con.execute("begin transaction")
        con.execute(
            f"""
            insert into {LEDGER} (
                batch_id, run_id, file_path, source_name, entity, checksum, file_bytes, status,
                rows_loaded, error, started_at, finished_at, estimated_rows, set_aside_by, set_aside_reason
            )
            values (?, ?, ?, ?, ?, ?, ?, 'set_aside', 0, ?, ?, ?, ?, ?, ?)
            """,
            [
                batch_id, f"set-aside-{at:%Y%m%dT%H%M%S%f}", relative_path,
                landing_file.entity.source if landing_file.entity else None, entity,
                file_scan.checksum, file_scan.size, previous.error, at, at,
                file_scan.estimated_rows, by, reason,
            ],
        )
        con.execute(
            f"update {INVENTORY} set status = 'set_aside', batch_id = ? where file_path = ?",
            [batch_id, relative_path],
        )
        con.execute("commit")
    return SetAside(relative_path, batch_id, by, reason, at, file_scan.estimated_rows)


def main(argv: list[str] | None = None) -> int:
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", help="the refused file, relative to the landing dir (as the ledger names it)")
    parser.add_argument("--reason", required=True, help="why it may stay out (kept in the ledger)")
    parser.add_argument("--by", default=getpass.getuser(), help="who decides (default: the current user)")
    parser.add_argument("--landing-dir", type=Path, default=settings.landing_dir)
    parser.add_argument("--warehouse", type=Path, default=settings.warehouse_path)
    args = parser.parse_args(argv)
    try:
        with warehouse_lock(args.warehouse):
            done = set_aside(
                args.warehouse, args.landing_dir, args.path, args.reason, args.by, load_mappings(settings.mapping_dir)
            )
    except (SetAsideError, FileNotFoundError, LockBusy, MappingError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(
        f"set aside: {done.file_path} (about {done.estimated_rows:,} rows stay out) by {done.by} at "
        f"{done.at:%Y-%m-%dT%H:%MZ}: {done.reason}\nrecorded in raw.load_ledger as batch {done.batch_id}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
