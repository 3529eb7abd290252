"""`python -m orchestration.landing`: land new files from LANDING_DIR into WAREHOUSE_PATH."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from orchestration.landing.loader import FileResult, LandingError, LandingReport, land
from orchestration.mapping import MappingError, load_mappings
from orchestration.pipeline_lock import LockBusy, warehouse_lock
from orchestration.settings import Settings


def _progress(index: int, total: int, result: FileResult) -> None:
    if result.status == "skipped" or result.unchanged:
        return
    detail = {"loaded": f"{result.rows:>10,} rows", "failed": "REFUSED", "set_aside": "set aside"}[result.status]
    print(f"  [{index:>4}/{total}] {result.file:<60} {detail}", flush=True)


def refused_lines(report: LandingReport) -> list[str]:
    """What an operator must know about refused files: each reason, and the way out."""
    if not report.failed:
        return []
    lines = [
        f"  REFUSED {r.error} (about {r.estimated_rows:,} rows)"
        + (" [unchanged since an earlier run]" if r.unchanged else "")
        for r in report.failed
    ]
    missing = sum(r.estimated_rows for r in report.failed)
    lines += [
        f"{len(report.failed)} refused file(s) hold about {missing:,} rows the warehouse does not have: the "
        "completeness standard fails, and nothing is published, until each is fixed, removed, or set aside:",
        '  make set-aside FILE=<file> REASON="<why it may stay out>"   (python -m orchestration.landing.set_aside)',
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--landing-dir", type=Path, default=settings.landing_dir)
    parser.add_argument("--warehouse", type=Path, default=settings.warehouse_path)
    parser.add_argument(
        "--mappings", type=Path, default=settings.mapping_dir, help="the source mappings (MAPPING_DIR)"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit non-zero when any file is refused (by default refusals are reported and recorded, "
        "and the completeness standard fails on them)",
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    print(f"landing {args.landing_dir} -> {args.warehouse}", flush=True)
    try:
        mappings = load_mappings(args.mappings)
        with warehouse_lock(args.warehouse):  # re-entrant: `make run` already holds it
            report = land(args.landing_dir, args.warehouse, on_file=_progress, mappings=mappings)
    except (FileNotFoundError, LandingError, MappingError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except LockBusy as busy:
        print(f"error: {busy}", file=sys.stderr)
        return 1
    print(
        f"files: {report.count('loaded')} loaded, {report.count('skipped')} already loaded, "
        f"{report.count('failed')} refused, {report.count('set_aside')} set aside "
        f"({time.perf_counter() - started:.1f} s)"
    )
    for line in refused_lines(report):
        print(line, file=sys.stderr)
    for result in report.results:
        if result.new_columns:
            print(f"  schema drift kept: {result.file} adds {', '.join(result.new_columns)}")
    print("raw rows per table:")
    for table, rows in sorted(report.raw_rows.items()):
        print(f"  raw.{table:<22} {rows:>12,}")
    return 1 if args.strict and report.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
