"""`make bench SCALES=0.05,0.25`: wall time and peak memory of each pipeline step, side by side.

Per scale, each step runs in its own child process (its peak RSS is its own):

- generate          the generator writes the dataset (data ending now, to the hour)
- land              landing of that dataset less its last day (see "one more day" below)
- build             `dbt build` of staging to the marts, from scratch
- validate          Great Expectations (declared historical: the data ends a day ago)
- publish           the scorecard build, the publish to the serving file and the Parquet export
- one_day_refresh   after the last day's files arrive: landing them and `dbt build`
- no_change_refresh then `dbt build` again with nothing new: the floor of a refresh, what dbt
                    spends per node (every model and data test) whatever the data

and the comparison points, measured in the same run on the same files:

- read_csv          plain DuckDB `read_csv` of the landed files into tables (landing's floor)
- dbt_run           `dbt run --full-refresh` of the same models as build (on a copy of the
                    warehouse: the refresh follows the pipeline's own build), and
- direct_sql        the SQL dbt ran for them (target/run), executed directly in DuckDB
- pandas            a pandas script computing monthly revenue, AOV and refund rate from the CSVs

"One more day": the generator's data covers [end - 2 years, end) and a different end is a
different synthetic world, so the day is cut from one generated dataset: the landing dir first
gets every file with the monthly files' rows of the last day removed (by the entity's partition
timestamp) and the snapshot files under the previous day's name; the refresh then receives the
generated files that differ (the current month's files, re-sent whole, and today's snapshots).

Writes `data/bench/results.json` (`scales.<scale>.<step>.seconds`, `.peak_rss_mb`, `ratios.<name>`)
and prints a table. Timings are reported, never asserted: on a shared 2-core machine they are noisy.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from orchestration.settings import PROJECT_DIR

# the steps whose last dbt invocation is theirs: their run_results.json says where the time went
DBT_STEPS = ("build", "one_day_refresh", "no_change_refresh")
SLOWEST_NODES = 12
STEPS = ("generate", "land", "build", "validate", "publish", "one_day_refresh", "no_change_refresh")
BASELINES = ("read_csv", "dbt_run", "direct_sql", "pandas")
REQUIRED_STEPS = ("generate", "land", "build")
# what the "full pipeline under 10 minutes at 1.0" counts: from generating the files to
# publishing the marts (the refreshes and baselines aside)
PIPELINE_STEPS = ("generate", "land", "build", "validate", "publish")
# name -> (numerator step, denominator step)
RATIOS: dict[str, tuple[str | tuple[str, ...], str]] = {
    "landing_vs_read_csv": ("land", "read_csv"),
    "dbt_run_vs_direct_sql": ("dbt_run", "direct_sql"),
    "one_day_refresh_vs_full_build": ("one_day_refresh", "build"),
    "no_change_refresh_vs_full_build": ("no_change_refresh", "build"),
    "pipeline_vs_pandas": (("land", "build", "validate", "publish"), "pandas"),
}
DEFAULT_OUT = PROJECT_DIR / "data" / "bench" / "results.json"
STEP_TIME = re.compile(r"^<== (?P<name>.+) done in (?P<seconds>[0-9.]+) s$")


# ------------------------------------------------------------------------------ pure functions
def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, 2 decimals; None when either is missing or the denominator is 0."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return round(numerator / denominator, 2)


def compute_ratios(steps: Mapping[str, Mapping[str, Any]]) -> dict[str, float | None]:
    """The side-by-side ratios of one scale's measured steps (a missing step gives None)."""

    def seconds(names: str | tuple[str, ...]) -> float | None:
        names = (names,) if isinstance(names, str) else names
        values = [steps.get(name, {}).get("seconds") for name in names]
        return None if any(v is None for v in values) else sum(values)

    return {name: ratio(seconds(top), seconds(bottom)) for name, (top, bottom) in RATIOS.items()}


def pipeline_seconds(steps: Mapping[str, Mapping[str, Any]]) -> float | None:
    """The pipeline's wall seconds (PIPELINE_STEPS summed), None unless each was measured and passed."""
    entries = [steps.get(name) for name in PIPELINE_STEPS]
    if any(entry is None or not entry.get("ok", True) or entry.get("seconds") is None for entry in entries):
        return None
    return round(sum(entry["seconds"] for entry in entries), 1)


def results_document(measured: Mapping[float, Mapping[str, Mapping[str, Any]]], started_at: str) -> dict[str, Any]:
    """The JSON: `scales.<scale>.<step>.{seconds, peak_rss_mb, ...}`, `ratios.<name>` (of the
    largest scale measured) and `ratios_by_scale.<scale>.<name>`."""
    by_scale = {scale_key(s): compute_ratios(steps) for s, steps in measured.items()}
    largest = scale_key(max(measured)) if measured else None
    return {
        "started_at": started_at,
        "machine": {"cpus": os.cpu_count(), "note": "wall seconds on a shared machine: noisy"},
        "scales": {scale_key(s): {step: dict(v) for step, v in steps.items()} for s, steps in measured.items()},
        "ratios": by_scale.get(largest, {}) if largest else {},
        "ratios_scale": largest,
        "ratios_by_scale": by_scale,
        "pipeline_seconds": {scale_key(s): pipeline_seconds(steps) for s, steps in measured.items()},
    }


def scale_key(scale: float) -> str:
    return f"{scale:g}"


def format_table(document: Mapping[str, Any]) -> str:
    """The steps of every scale as rows (seconds and peak RSS per scale), then the ratios."""
    scales = list(document["scales"])
    order = [*STEPS, *BASELINES]
    names = [n for n in order if any(n in document["scales"][s] for s in scales)]
    header = f"{'step':<18}" + "".join(f"{'scale ' + s + ' s':>16}{'peak MB':>10}" for s in scales)
    lines = [header, "-" * len(header)]
    for name in names:
        cells = []
        for s in scales:
            entry = document["scales"][s].get(name)
            cells.append(
                f"{entry['seconds']:>16.1f}{entry['peak_rss_mb']:>10.0f}" if entry else f"{'-':>16}{'-':>10}"
            )
        lines.append(f"{name:<18}" + "".join(cells))
    pipeline = [document.get("pipeline_seconds", {}).get(s) for s in scales]
    cells = "".join(f"{v:>16.1f}{'':>10}" if v is not None else f"{'-':>16}{'':>10}" for v in pipeline)
    lines.append(f"{'pipeline':<18}{cells}   ({' + '.join(PIPELINE_STEPS)})")
    lines.append("")
    lines.append(f"{'ratio':<32}" + "".join(f"{'scale ' + s:>12}" for s in scales))
    for name in RATIOS:
        values = [document["ratios_by_scale"].get(s, {}).get(name) for s in scales]
        lines.append(f"{name:<32}" + "".join(f"{v:>12.2f}" if v is not None else f"{'-':>12}" for v in values))
    return "\n".join(lines)


def step_times(output: str) -> dict[str, float]:
    """The pipeline's own step timings (`<== <step> done in 12.3 s` lines) from its output."""
    found: dict[str, float] = {}
    for line in output.splitlines():
        match = STEP_TIME.match(line.strip())
        if match:
            found[match["name"]] = found.get(match["name"], 0.0) + float(match["seconds"])
    return found


def slowest_nodes(run_results: Mapping[str, Any], count: int = SLOWEST_NODES) -> list[list[Any]]:
    """Where the time of a dbt invocation went, from its run_results.json: the `count` slowest
    nodes as [name, seconds], slowest first, then the seconds summed per resource type as
    ["<n> <type>s", seconds]."""
    timings = [
        (str(result["unique_id"]).split("."), float(result.get("execution_time") or 0.0))
        for result in run_results.get("results", [])
    ]
    slowest = sorted(timings, key=lambda timing: -timing[1])[:count]
    sums: dict[str, list[float]] = {}
    for parts, seconds in timings:
        sums.setdefault(parts[0], []).append(seconds)
    return [[parts[2], round(seconds, 2)] for parts, seconds in slowest] + [
        [f"{len(values)} {kind}s", round(sum(values), 2)] for kind, values in sorted(sums.items())
    ]


def parse_moment(text: str) -> datetime | None:
    """A landed timestamp or date as aware UTC (no offset: UTC); None when it is not one."""
    text = text.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def previous_snapshot_name(relative_path: str, day: date) -> str:
    """`<source>/<entity>/<entity>_<YYYY-MM-DD>.csv` as the snapshot of the day before `day`."""
    stem = f"_{day.isoformat()}.csv"
    if not relative_path.endswith(stem):
        raise ValueError(f"{relative_path} is not a snapshot file of {day}")
    return relative_path[: -len(stem)] + f"_{(day - timedelta(days=1)).isoformat()}.csv"


def rows_before(
    lines: Iterable[list[str]], column: str, cutoff: datetime, keep: tuple[str, set[str]] | None = None
) -> tuple[list[str], list[list[str]], int]:
    """(header, the rows whose `column` is before `cutoff` or not a timestamp, rows dropped);
    `keep` = (a column, its values whose rows stay whatever their time)."""
    rows = iter(lines)
    header = next(rows)
    index = header.index(column)
    keep_index, keep_values = (header.index(keep[0]), keep[1]) if keep else (-1, set())
    kept, dropped = [], 0
    for row in rows:
        moment = parse_moment(row[index]) if index < len(row) else None
        kept_for_state = 0 <= keep_index < len(row) and row[keep_index] in keep_values
        if moment is not None and moment >= cutoff and not kept_for_state:
            dropped += 1
        else:
            kept.append(row)
    return header, kept, dropped


# The enrollments export carries a state (completed_at) that the lesson events of the last day may
# have brought: an enrollment the day before shows as completed keeps its events of that day, so
# that its completion and its lessons agree (tests/dbt assert_completed_enrollments_...).
STATE_KEPT = {("learning", "lesson_activity"): ("enrollment_id", ("learning", "enrollments"), "completed_at")}


def completed_on_or_after(files: Iterable[Path], key: str, column: str, cutoff: datetime) -> set[str]:
    found: set[str] = set()
    for path in files:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = csv.reader(handle)
            header = next(rows)
            k, c = header.index(key), header.index(column)
            for row in rows:
                moment = parse_moment(row[c]) if c < len(row) else None
                if moment is not None and moment >= cutoff:
                    found.add(row[k])
    return found


# ------------------------------------------------------------------------- the day before
def _monthly_partition_columns() -> dict[tuple[str, str], str]:
    from orchestration.contracts import ENTITIES

    return {(e.source, e.name): e.partitioned_by for e in ENTITIES if e.layout == "monthly" and e.partitioned_by}


def prepare_day_before(generated: Path, landing: Path, end: datetime) -> dict[str, int]:
    """Fill `landing` with `generated` less its last day [end - 1 day, end): monthly files without
    the rows of that day (a file left empty is left out), snapshot files under the previous day's
    name. Returns counts for the report."""
    cutoff = end - timedelta(days=1)
    partitions = _monthly_partition_columns()
    shutil.rmtree(landing, ignore_errors=True)
    counts = {"files": 0, "filtered_files": 0, "rows_dropped": 0}
    for path in sorted(generated.rglob("*")):
        relative = path.relative_to(generated).as_posix()
        if path.is_dir():
            continue
        target = landing / relative
        parts = relative.split("/")
        column = partitions.get((parts[0], parts[1])) if len(parts) == 3 else None
        if len(parts) == 3 and column is None and relative.endswith(f"_{end.date().isoformat()}.csv"):
            target = landing / previous_snapshot_name(relative, end.date())
        target.parent.mkdir(parents=True, exist_ok=True)
        if column is not None and relative[-11:-4] >= f"{cutoff:%Y-%m}":
            keep = None
            if (parts[0], parts[1]) in STATE_KEPT:
                key, (source, entity), state = STATE_KEPT[(parts[0], parts[1])]
                files = sorted((generated / source / entity).glob("*.csv"))
                keep = (key, completed_on_or_after(files, key, state, cutoff))
            with path.open(newline="", encoding="utf-8") as handle:
                header, kept, dropped = rows_before(csv.reader(handle), column, cutoff, keep)
            counts["rows_dropped"] += dropped
            counts["filtered_files"] += 1
            if not kept:
                continue
            with target.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(header)
                writer.writerows(kept)
        else:
            place_copy(path, target)
        counts["files"] += 1
    return counts


def place_copy(source: Path, target: Path) -> None:
    """`target` with `source`'s bytes: a hard link where the file system allows (the landing dir
    of a large scale would otherwise double the generated data on disk), else a copy. Both names
    then share one file: change a landed file by replacing it (write a new file, rename it over),
    never in place, or the generated file changes too (landing only reads its files)."""
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def deliver_new_day(generated: Path, landing: Path) -> list[str]:
    """Copy the generated files that the landing dir lacks or holds otherwise: the last day's
    arrival (the current month's files re-sent whole, today's snapshots)."""
    delivered = []
    for path in sorted(generated.rglob("*.csv")):
        relative = path.relative_to(generated).as_posix()
        target = landing / relative
        if target.exists() and (target.samefile(path) or target.read_bytes() == path.read_bytes()):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        place_copy(path, target)
        delivered.append(relative)
    return delivered


# ----------------------------------------------------------------------------- child steps
def _environment(workdir: Path) -> dict[str, str]:
    return {
        "LANDING_DIR": str(workdir / "landing"),
        "WAREHOUSE_PATH": str(workdir / "warehouse.duckdb"),
        "SERVING_PATH": str(workdir / "serving.duckdb"),
        "EXPORT_DIR": str(workdir / "export"),
        "REPORTS_DIR": str(workdir / "reports"),
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "ALERT_LOG_PATH": str(workdir / "alerts.log"),
        "PIPELINE_LOCK_TIMEOUT": "0",
    }


def _pipeline(arguments: list[str]) -> tuple[int, str, str]:
    """The pipeline's exit code, its output and its errors: a failed step says why on stderr
    (for a dbt step, each failed node with the engine's reason)."""
    import contextlib
    import io

    from orchestration import pipeline

    output, errors = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(errors):
        code = pipeline.main(arguments)
    return code, output.getvalue(), errors.getvalue()


def _read_csv_baseline(workdir: Path) -> dict[str, Any]:
    """Each entity's landed files into a table with DuckDB's read_csv (all text, as raw keeps it)."""
    from orchestration import duckdb_connect

    landing = workdir / "landing"
    scratch = workdir / "read_csv.duckdb"
    scratch.unlink(missing_ok=True)
    rows = 0
    with duckdb_connect.connect(scratch) as con:
        for folder in sorted(p for p in landing.glob("*/*") if p.is_dir()):
            files = sorted(str(f) for f in folder.glob("*.csv"))
            if not files:
                continue
            table = f"{folder.parent.name}__{folder.name}"
            con.execute(
                f'create table "{table}" as select * from read_csv(?, header = true, all_varchar = true, '
                "union_by_name = true, filename = true)",
                [files],
            )
            rows += con.execute(f'select count(*) from "{table}"').fetchone()[0]
    scratch.unlink(missing_ok=True)
    return {"rows": rows}


def _direct_sql(workdir: Path) -> dict[str, Any]:
    """The SQL `dbt run` executed for each model (target/run), run directly in DuckDB, in dbt's
    order, on a copy of the warehouse (same file name: the SQL names its catalog)."""
    from orchestration import duckdb_connect

    target = workdir / "target"
    results = json.loads((target / "run_results.json").read_text())["results"]
    manifest = json.loads((target / "manifest.json").read_text())
    copy_dir = workdir / "direct"
    shutil.rmtree(copy_dir, ignore_errors=True)
    copy_dir.mkdir()
    copied = copy_dir / "warehouse.duckdb"
    shutil.copy2(workdir / "warehouse.duckdb", copied)
    statements = []
    for result in results:
        node = manifest["nodes"].get(result["unique_id"])
        if not node or node["resource_type"] != "model" or result["status"] != "success":
            continue
        run_file = target / "run" / node["package_name"] / node["original_file_path"]
        if run_file.exists():
            statements.append(run_file.read_text())
    started = time.perf_counter()
    with duckdb_connect.connect(copied) as con:
        con.execute("set TimeZone = 'UTC'")
        for sql in statements:
            con.execute(sql)
    seconds = time.perf_counter() - started
    shutil.rmtree(copy_dir, ignore_errors=True)
    return {"models": len(statements), "sql_seconds": round(seconds, 2)}


def _pandas_baseline(workdir: Path) -> dict[str, Any]:
    """Monthly revenue (USD), AOV and refund rate from the landed CSVs with pandas: newest row
    per key, paid orders, amounts converted with the day's rate."""
    import pandas as pd

    landing = workdir / "landing" / "marketplace"

    def read(entity: str) -> pd.DataFrame:
        files = sorted((landing / entity).glob("*.csv"))
        return pd.concat((pd.read_csv(f, dtype=str, keep_default_na=False) for f in files), ignore_index=True)

    orders = read("orders").drop_duplicates("order_id", keep="last")
    refunds = read("refunds").drop_duplicates("refund_id", keep="last")
    rates = read("exchange_rates").drop_duplicates(["rate_date", "currency"], keep="last")
    orders["ordered_at"] = pd.to_datetime(orders["ordered_at"], utc=True, errors="coerce", format="ISO8601")
    orders["order_total"] = pd.to_numeric(orders["order_total"], errors="coerce")
    orders = orders[orders["payment_status"].isin(["paid", "refunded", "partially_refunded"])].dropna(
        subset=["ordered_at", "order_total"]
    )
    orders["rate_date"] = orders["ordered_at"].dt.strftime("%Y-%m-%d")
    rates["usd_per_unit"] = pd.to_numeric(rates["usd_per_unit"], errors="coerce")
    orders = orders.merge(rates, on=["rate_date", "currency"], how="left")
    orders["revenue_usd"] = orders["order_total"] * orders["usd_per_unit"].fillna(1.0)
    orders["month"] = orders["ordered_at"].dt.strftime("%Y-%m")
    refunded = set(refunds["order_id"])
    orders["refunded"] = orders["order_id"].isin(refunded)
    monthly = orders.groupby("month").agg(
        revenue=("revenue_usd", "sum"), orders=("order_id", "count"), refunded=("refunded", "sum")
    )
    monthly["aov"] = monthly["revenue"] / monthly["orders"]
    monthly["refund_rate"] = monthly["refunded"] / monthly["orders"]
    return {"months": len(monthly)}


def _child(step: str, scale: float, workdir: Path, seed: int) -> None:
    """Run one step in this process and print its measurements as one JSON line."""
    os.environ.update(_environment(workdir))
    if step == "dbt_run":
        # on a copy, so the one-day refresh follows the pipeline's own build and its tested stamp
        copy = workdir / "dbt_run" / "warehouse.duckdb"
        shutil.rmtree(copy.parent, ignore_errors=True)
        copy.parent.mkdir()
        shutil.copy2(workdir / "warehouse.duckdb", copy)
        os.environ["WAREHOUSE_PATH"] = str(copy)
    started = time.perf_counter()
    detail: dict[str, Any] = {}
    code = 0
    if step == "generate":
        from orchestration.datagen.__main__ import main as generate_main

        code = generate_main(["--scale", str(scale), "--seed", str(seed), "--out", str(workdir / "generated")])
    elif step in ("land", "build", "validate", "publish", "one_day_refresh", "no_change_refresh", "dbt_run"):
        arguments = {
            "land": ["--steps", "land"],
            "build": ["--steps", "build", "--force-build"],
            "validate": ["--steps", "validate", "--historical"],
            "publish": ["--steps", "score,publish", "--historical"],
            "one_day_refresh": ["--steps", "land,build"],
            # forced: the pipeline skips a build when no file changed
            "no_change_refresh": ["--steps", "build", "--force-build"],
        }.get(step)
        if step == "dbt_run":
            from orchestration.dbt_runner import run_dbt
            from orchestration.pipeline import SCORECARD_SELECTOR
            from orchestration.settings import Settings

            summary = run_dbt(["run", "--full-refresh", "--exclude", SCORECARD_SELECTOR], Settings.from_env(),
                              target_path=workdir / "target", log_path=workdir / "logs")
            code = 0 if summary.success else 1
            detail["failures"] = summary.failures[:5]
            shutil.rmtree(workdir / "dbt_run", ignore_errors=True)
        else:
            code, output, errors = _pipeline(arguments or [])
            detail["pipeline_steps"] = step_times(output)
            run_results = workdir / "target" / "run_results.json"
            if step in DBT_STEPS and run_results.exists():
                detail["slowest_nodes"] = slowest_nodes(json.loads(run_results.read_text()))
                # every node's timing, for a look past the slowest few
                shutil.copy2(run_results, workdir / f"run_results.{step}.json")
            if code != 0:
                detail["failure"] = errors.strip()[-3000:]
                detail["output_tail"] = output[-3000:]
    elif step == "read_csv":
        detail = _read_csv_baseline(workdir)
    elif step == "direct_sql":
        detail = _direct_sql(workdir)
    elif step == "pandas":
        detail = _pandas_baseline(workdir)
    seconds = time.perf_counter() - started
    if step == "direct_sql":
        seconds = detail["sql_seconds"]  # the SQL alone, not copying the warehouse
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    )
    print(json.dumps({"ok": code == 0, "seconds": round(seconds, 2), "peak_rss_mb": round(peak / 1024), **detail}))


def _measure(step: str, scale: float, workdir: Path, seed: int) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.bench", "--child", step, "--scales", str(scale),
         "--workdir", str(workdir), "--seed", str(seed)],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode != 0 or not lines:
        raise SystemExit(f"bench step {step} at scale {scale} failed:\n{completed.stderr[-3000:]}")
    measured = json.loads(lines[-1])
    if not measured["ok"]:
        why = measured.get("failure") or json.dumps(measured)[-3000:]
        raise SystemExit(f"bench step {step} at scale {scale} failed:\n{why}")
    return measured


def _generated_end(generated: Path) -> datetime:
    from orchestration.pipeline import dataset_end

    end = dataset_end(generated)
    if end is None:
        raise SystemExit(f"{generated} has no generation manifest")
    return end


def parse_skipped(text: str) -> frozenset[str]:
    """The steps `--skip` names (comma-separated), refused by name when unknown or when a later
    step needs them: generate, land and build make the warehouse every other step measures."""
    names = frozenset(n.strip() for n in text.split(",") if n.strip())
    unknown = sorted(names - {*STEPS, *BASELINES})
    if unknown:
        raise ValueError(f"--skip: unknown step(s) {', '.join(unknown)}; steps: {', '.join((*STEPS, *BASELINES))}")
    required = sorted(names & set(REQUIRED_STEPS))
    if required:
        raise ValueError(f"--skip: {', '.join(required)} cannot be skipped: the other steps measure what they make")
    return names


def bench_scale(
    scale: float, workdir: Path, seed: int, skip: frozenset[str] = frozenset(), say: Any = print
) -> dict[str, dict[str, Any]]:
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    measured: dict[str, dict[str, Any]] = {}

    def run(step: str) -> None:
        if step in skip:
            say(f"scale {scale_key(scale):<6} {step:<16} skipped")
            return
        measured[step] = _measure(step, scale, workdir, seed)
        say(f"scale {scale_key(scale):<6} {step:<16} {measured[step]['seconds']:>8.1f} s  "
            f"peak {measured[step]['peak_rss_mb']:>6} MB")

    run("generate")
    counts = prepare_day_before(workdir / "generated", workdir / "landing", _generated_end(workdir / "generated"))
    say(f"scale {scale_key(scale)}: the day before: {counts}")
    for step in ("land", "read_csv", "build", "dbt_run", "direct_sql", "validate", "publish", "pandas"):
        run(step)
    delivered = deliver_new_day(workdir / "generated", workdir / "landing")
    say(f"scale {scale_key(scale)}: one more day: {len(delivered)} file(s) delivered")
    run("one_day_refresh")
    if "one_day_refresh" in measured:
        measured["one_day_refresh"]["files_delivered"] = len(delivered)
    run("no_change_refresh")
    return measured


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="0.05")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, default=PROJECT_DIR / "data" / "bench" / "work")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--skip", default="", help="steps not to run, comma-separated (e.g. dbt_run,direct_sql at a large scale)"
    )
    parser.add_argument("--child", choices=(*STEPS, *BASELINES), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    scales = [float(s) for s in args.scales.split(",") if s.strip()]
    try:
        skip = parse_skipped(args.skip)
    except ValueError as error:
        parser.error(str(error))
    if args.child:
        _child(args.child, scales[0], args.workdir, args.seed)
        return 0
    started_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    measured = {}
    for scale in scales:
        measured[scale] = bench_scale(scale, args.workdir / f"scale-{scale_key(scale)}", args.seed, skip)
        document = results_document(measured, started_at)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(document, indent=2) + "\n")  # after each scale: a partial run counts
    print()
    print(format_table(document))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
