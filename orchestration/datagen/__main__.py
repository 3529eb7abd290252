"""`python -m orchestration.datagen`: generate a complete landing dataset (replacing the previous one).

Generating into the pipeline's landing dir (LANDING_DIR, the default) takes the pipeline lock of
its warehouse (WAREHOUSE_PATH), so it never replaces files a run is landing; another --out dir is
nobody's landing dir and is written without it.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from datetime import datetime
from pathlib import Path

from orchestration.datagen.config import GeneratorConfig, default_out_dir, format_end, parse_end
from orchestration.datagen.generator import generate
from orchestration.pipeline_lock import LockBusy, warehouse_lock
from orchestration.settings import Settings


def _end(text: str) -> datetime:
    try:
        return parse_end(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date or ISO datetime: {text!r} ({error})") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m orchestration.datagen", description=__doc__)
    parser.add_argument(
        "--scale",
        type=float,
        default=0.05,
        help="dataset size; 1.0 = ~100k students, 1M orders, 10M learning events (default 0.05)",
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument(
        "--end-date",
        type=_end,
        default=None,
        metavar="END",
        help="end of the data, exclusive: a date (2026-11-22 = midnight UTC) or an ISO datetime "
        "(2026-11-22T14:00, UTC unless it has an offset); data covers the two years before it. "
        "Snapshot files are named after its date (default: now, UTC, truncated to the hour)",
    )
    parser.add_argument(
        "--defect-rate",
        type=float,
        default=0.002,
        help="share of rows per entity given one defect (default 0.002; 0 = clean)",
    )
    parser.add_argument(
        "--no-incidents",
        action="store_true",
        help="do not plant the business incidents (incidents.py; listed in _manifest/incidents.csv)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="landing directory (default: $LANDING_DIR or data/landing)"
    )
    return parser


def _pipeline_lock(out_dir: Path) -> contextlib.AbstractContextManager[None]:
    settings = Settings.from_env()
    if out_dir.resolve() != settings.landing_dir.resolve():
        return contextlib.nullcontext()
    return warehouse_lock(settings.warehouse_path)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = GeneratorConfig(
            scale=args.scale,
            seed=args.seed,
            end=args.end_date,
            defect_rate=args.defect_rate,
            out_dir=args.out or default_out_dir(),
            incidents=not args.no_incidents,
        )
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    print(
        f"generating scale {config.scale} seed {config.seed}, {format_end(config.start)} to "
        f"{format_end(config.end)} (exclusive), "
        f"defect rate {config.defect_rate} -> {config.out_dir}",
        flush=True,
    )

    def progress(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {message}", flush=True)

    try:
        with _pipeline_lock(config.out_dir):
            result = generate(config, progress)
    except LockBusy as busy:
        print(f"error: {busy}", file=sys.stderr)
        return 1
    print(f"\n{'entity':<24}{'rows':>14}{'defects':>10}")
    for name, rows in result.row_counts.items():
        print(f"{name:<24}{rows:>14,}{result.defects.get(name, 0):>10,}")
    print(f"{'total':<24}{sum(result.row_counts.values()):>14,}{sum(result.defects.values()):>10,}")
    print(f"\n{len(result.files)} files and _manifest/ written to {config.out_dir} in {result.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
