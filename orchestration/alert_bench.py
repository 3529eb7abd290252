"""Alert quality at several generation ends: does the scorecard find the planted incidents and stay
quiet otherwise, whatever the hour and day the data was generated?

The generated data depends on its end instant (`make run` uses now): the window's start, its
partial first and last months, where the incidents fall and every random draw shift with it. For
each end this generates the default dataset (scale 0.05, seed 42), lands it, builds the scorecard
(`+kpi_alerts`) and scores the alerts against `_manifest/incidents.csv`: recall (incidents alerted
in their period), precision (alerts an incident explains) and the unexplained alerts by month.
Numbers are printed (and written as JSON with --out), never asserted; the test
tests/test_alert_ground_truth.py asserts them for a few ends.

    .venv/bin/python -m orchestration.alert_bench --workdir /tmp/alerts \\
        --ends 2026-12-03T08,2026-12-03T13,2026-12-15T00
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from orchestration import duckdb_connect
from orchestration.datagen.config import GeneratorConfig
from orchestration.datagen.generator import generate
from orchestration.datagen.incidents import AlertScore, read_incidents, score_alerts
from orchestration.settings import Settings

# Ends that move the data differently: the default dataset's (08:00 on 3 December 2026), later the
# same day (the `make run` at 13:xx that missed an incident), midnight, mid-month, the last hour of
# a month and the first instant of the next one.
DEFAULT_ENDS = (
    "2026-12-03T08",
    "2026-12-03T13",
    "2026-12-03T00",
    "2026-12-17T19",
    "2026-11-30T23",
    "2027-01-01T00",
)
SELECT = "+kpi_alerts"


def parse_end(text: str) -> datetime:
    """`2026-12-03T08` (an hour, UTC) or any ISO instant."""
    moment = datetime.fromisoformat(text if len(text) > 13 else f"{text}:00")
    return moment.replace(tzinfo=moment.tzinfo or UTC)


def build_models(settings: Settings, select: str = SELECT) -> None:
    """dbt seed, then dbt run of `select`: the models only, no tests (their figures are measured)."""
    from orchestration.dbt_runner import run_dbt  # heavy import: only when something is built

    for args in (["seed"], ["run", "--select", select]):
        summary = run_dbt(args, settings)
        if not summary.success:
            raise RuntimeError(f"dbt {' '.join(args)} failed: {summary.failures}")


def land_and_build(settings: Settings, select: str = SELECT) -> None:
    """Land what is in the landing dir, then build `select` (build_models)."""
    from orchestration.landing import land

    report = land(settings.landing_dir, settings.warehouse_path)
    if report.failed:
        raise RuntimeError(f"landing failed: {report.failed}")
    build_models(settings, select)


def build_scorecard(
    root: Path, end: datetime, incidents: bool = True, select: str = SELECT, scale: float = 0.05, seed: int = 42
) -> tuple[Settings, list[dict[str, str]]]:
    """Generate to `end`, land and build `select` (seeds too) in `root`; the settings and the
    incident manifest's rows."""
    settings = Settings(warehouse_path=root / "warehouse.duckdb", landing_dir=root / "landing")
    generate(GeneratorConfig(scale=scale, seed=seed, end=end, out_dir=settings.landing_dir, incidents=incidents))
    land_and_build(settings, select)
    return settings, read_incidents(settings.landing_dir / "_manifest" / "incidents.csv")


def rebuild_scorecard(root: Path, select: str = "scorecard_kpi_values+") -> tuple[Settings, list[dict[str, str]]]:
    """Rebuild `select` on the warehouse a previous run left in `root` (a change of the scorecard's
    models only: no generation or landing)."""
    settings = Settings(warehouse_path=root / "warehouse.duckdb", landing_dir=root / "landing")
    build_models(settings, select)
    return settings, read_incidents(settings.landing_dir / "_manifest" / "incidents.csv")


def read_alerts(warehouse: Path) -> list[tuple[str, str]]:
    """The scorecard's alerts as (kpi_id, YYYY-MM of the alerted period)."""
    with duckdb_connect.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("select kpi_id, strftime(period_start, '%Y-%m') from marts.kpi_alerts").fetchall()
    return [(kpi, month) for kpi, month in rows]


@dataclass(frozen=True)
class EndResult:
    end: str
    seconds: float
    alerts: int
    explained: int
    precision: float
    recall: float
    missed: tuple[str, ...]
    unexplained_by_month: dict[str, list[str]]
    max_unexplained_in_a_month: int


def summarize(end: datetime, seconds: float, score: AlertScore) -> EndResult:
    return EndResult(
        end=end.strftime("%Y-%m-%dT%H:%MZ"),
        seconds=round(seconds, 1),
        alerts=score.alerts,
        explained=score.explained,
        precision=round(score.precision, 2),
        recall=round(score.recall, 2),
        missed=score.missed,
        unexplained_by_month=score.unexplained_by_month,
        max_unexplained_in_a_month=score.max_unexplained_in_a_month,
    )


def format_result(result: EndResult) -> str:
    unexplained = sum(len(v) for v in result.unexplained_by_month.values())
    months = ", ".join(f"{m}: {' '.join(k)}" for m, k in sorted(result.unexplained_by_month.items())) or "-"
    return (
        f"end {result.end}  recall {result.recall:.2f} (missed {' '.join(result.missed) or '-'})  "
        f"precision {result.precision:.2f} ({result.explained}/{result.alerts})  "
        f"unexplained {unexplained}, max {result.max_unexplained_in_a_month}/month  [{months}]  "
        f"{result.seconds:.0f} s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ends", default=",".join(DEFAULT_ENDS), help="comma-separated ends (UTC)")
    parser.add_argument("--workdir", type=Path, required=True, help="one sub-folder per end (replaced)")
    parser.add_argument("--select", default=SELECT)
    parser.add_argument("--keep", action="store_true", help="keep each end's landing files")
    parser.add_argument(
        "--rebuild", action="store_true", help="only rebuild the scorecard on the warehouses a --keep run left"
    )
    parser.add_argument("--out", type=Path, help="write the results as JSON")
    args = parser.parse_args(argv)
    results = []
    for text in args.ends.split(","):
        end = parse_end(text.strip())
        root = args.workdir / end.strftime("%Y%m%dT%H%M")
        started = time.perf_counter()
        if args.rebuild:
            settings, incidents = rebuild_scorecard(root)
        else:
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir(parents=True)
            settings, incidents = build_scorecard(root, end, select=args.select)
        score = score_alerts(read_alerts(settings.warehouse_path), incidents)
        result = summarize(end, time.perf_counter() - started, score)
        results.append(result)
        print(format_result(result), flush=True)
        if not args.keep:  # the landed files are in the warehouse; the manifest is all a rebuild reads
            for path in settings.landing_dir.iterdir():
                if path.name != "_manifest":
                    shutil.rmtree(path) if path.is_dir() else path.unlink()
    if args.out:
        args.out.write_text(json.dumps([asdict(r) for r in results], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
