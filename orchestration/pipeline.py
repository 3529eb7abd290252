"""`python -m orchestration.pipeline`: what `make run` does, one named step at a time.

generate (only when the landing dir has no dataset yet) -> land -> dbt build -> summary.
A step that fails stops the run with a non-zero exit and says which step failed and why.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from orchestration.settings import Settings


class StepFailed(Exception):
    pass


def _step(name: str, action: Callable[[], None]) -> None:
    print(f"\n==> {name}", flush=True)
    started = time.perf_counter()
    try:
        action()
    except StepFailed as failure:
        raise StepFailed(f"step '{name}' failed: {failure}") from None
    except Exception as error:  # any other error still names the step that broke
        raise StepFailed(f"step '{name}' failed: {type(error).__name__}: {error}") from error
    print(f"<== {name} done in {time.perf_counter() - started:.1f} s", flush=True)


def dataset_present(landing_dir: Path) -> bool:
    return (landing_dir / "_manifest" / "generation.json").exists()


def generate_step(settings: Settings, scale: float, seed: int, end_date: date | None, force: bool) -> None:
    if dataset_present(settings.landing_dir) and not force:
        print(f"dataset already in {settings.landing_dir}: reusing it (make data to regenerate)")
        return
    from orchestration.datagen.__main__ import main as generate_main

    args = ["--scale", str(scale), "--seed", str(seed), "--out", str(settings.landing_dir)]
    if end_date:
        args += ["--end-date", end_date.isoformat()]
    if generate_main(args) != 0:
        raise StepFailed("the data generator reported an error (see above)")


def land_step(settings: Settings) -> None:
    from orchestration.landing.__main__ import main as land_main

    if land_main(["--landing-dir", str(settings.landing_dir), "--warehouse", str(settings.warehouse_path)]) != 0:
        raise StepFailed("landing reported an error (see above)")


def dbt_build_step(settings: Settings) -> None:
    from orchestration.dbt_runner import run_dbt

    summary = run_dbt(["build"], settings)
    print(
        f"dbt build: {summary.count('model', 'success')} models, "
        f"{summary.count('seed', 'success')} seeds, {summary.count('snapshot', 'success')} snapshots built; "
        f"{summary.count('test', 'pass')} tests passed, {summary.count('test', 'warn')} warned, "
        f"{summary.count('test', 'fail', 'error')} failed; {summary.count('unit_test', 'pass')} unit tests passed"
    )
    if not summary.success:
        details = "\n  ".join(summary.failures) or "see the dbt log above"
        raise StepFailed(f"dbt build did not succeed:\n  {details}")


def summary_step(settings: Settings) -> None:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        rows = con.execute(
            """
            select entity, raw_rows, staged_rows, quarantined_rows, duplicates_removed
            from staging.staging_row_accounting
            order by entity
            """
        ).fetchall()
        failed_files = con.execute(
            "select file_path, error from raw.load_ledger where status = 'failed' order by file_path"
        ).fetchall()
    print(f"{'table':<22}{'raw':>12}{'staged':>12}{'quarantined':>13}{'duplicates':>12}")
    for entity, raw, staged, quarantined, duplicates in rows:
        print(f"{entity:<22}{raw:>12,}{staged:>12,}{quarantined:>13,}{duplicates:>12,}")
    totals = [sum(r[i] for r in rows) for i in range(1, 5)]
    print(f"{'total':<22}{totals[0]:>12,}{totals[1]:>12,}{totals[2]:>13,}{totals[3]:>12,}")
    for path, error in failed_files:
        print(f"failed landing file (recorded in raw.load_ledger): {error or path}")
    print(f"\nwarehouse: {settings.warehouse_path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.05, help="dataset size (1.0 = 100k students)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--end-date", type=date.fromisoformat, default=None, help="default: today")
    parser.add_argument("--regenerate", action="store_true", help="generate a new dataset even if one exists")
    parser.add_argument(
        "--steps",
        default="generate,land,build,summary",
        help="comma-separated subset of: generate, land, build, summary",
    )
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    steps: dict[str, tuple[str, Callable[[], None]]] = {
        "generate": ("generate data", lambda: generate_step(settings, args.scale, args.seed, args.end_date, args.regenerate)),
        "land": ("land files into raw", lambda: land_step(settings)),
        "build": ("dbt build", lambda: dbt_build_step(settings)),
        "summary": ("summary", lambda: summary_step(settings)),
    }
    wanted = [s.strip() for s in args.steps.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in steps]
    if unknown:
        parser.error(f"unknown step(s) {', '.join(unknown)}; choose from {', '.join(steps)}")
    started = time.perf_counter()
    try:
        for key in wanted:
            _step(*steps[key])
    except StepFailed as failure:
        print(f"\nFAILED: {failure}", file=sys.stderr)
        return 1
    print(f"\nrun finished in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
