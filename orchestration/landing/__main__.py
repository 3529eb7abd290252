"""`python -m orchestration.landing`: land new files from LANDING_DIR into WAREHOUSE_PATH."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from orchestration.landing.loader import FileResult, land
from orchestration.settings import Settings


def _progress(index: int, total: int, result: FileResult) -> None:
    if result.status == "skipped":
        return
    detail = f"{result.rows:>10,} rows" if result.status == "loaded" else "FAILED"
    print(f"  [{index:>4}/{total}] {result.file:<60} {detail}", flush=True)


def main(argv: list[str] | None = None) -> int:
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--landing-dir", type=Path, default=settings.landing_dir)
    parser.add_argument("--warehouse", type=Path, default=settings.warehouse_path)
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit non-zero when any file fails (by default failures are reported and recorded)",
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    print(f"landing {args.landing_dir} -> {args.warehouse}", flush=True)
    try:
        report = land(args.landing_dir, args.warehouse, on_file=_progress)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(
        f"files: {report.count('loaded')} loaded, {report.count('skipped')} already loaded, "
        f"{report.count('failed')} failed ({time.perf_counter() - started:.1f} s)"
    )
    for result in report.failed:
        print(f"  FAILED {result.error}", file=sys.stderr)
    for result in report.results:
        if result.new_columns:
            print(f"  schema drift kept: {result.file} adds {', '.join(result.new_columns)}")
    print("raw rows per table:")
    for table, rows in sorted(report.raw_rows.items()):
        print(f"  raw.{table:<22} {rows:>12,}")
    return 1 if args.strict and report.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
