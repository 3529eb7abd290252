"""`python -m orchestration.pipeline`: what `make run` does, one named step at a time.

generate (unless the landing dir has a dataset ending less than 12 hours ago) -> land -> dbt
build (staging to the marts) -> validate (Great Expectations: the data quality standards) -> score
(dbt build of the scorecard, the last layer: its data-quality KPI is this validation's score) ->
publish (the marts to the read-only serving file and Parquet, only when every earlier step passed)
-> summary.
A step that fails stops the run with a non-zero exit and says which step failed and why, and
what readers of the serving file still see. The whole run holds the pipeline lock
(`orchestration.pipeline_lock`): a second run waits for it, up to PIPELINE_LOCK_TIMEOUT seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from orchestration import duckdb_connect
from orchestration.pipeline_lock import LockBusy, timeout_from_env, warehouse_lock
from orchestration.settings import PROJECT_DIR, SCORECARD_MODELS, Settings


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


# A reused dataset must still be recent: its newest events are a few hours before its end, and the
# timeliness standard wants each source's newest business timestamp within 24 hours of the run.
REUSE_MAX_AGE = timedelta(hours=12)


def dataset_present(landing_dir: Path) -> bool:
    return (landing_dir / "_manifest" / "generation.json").exists()


def holds_own_exports(landing_dir: Path) -> bool:
    """A landing dir with data but without the generator's manifest holds someone's own exports,
    which generation must never replace."""
    if not landing_dir.is_dir() or dataset_present(landing_dir):
        return False
    return any(not entry.name.startswith(("_", ".")) for entry in landing_dir.iterdir())


def dataset_end(landing_dir: Path) -> datetime | None:
    """The end of the data in `_manifest/generation.json` (an older manifest's `end_date` is its
    midnight UTC); None when there is no manifest or it does not say."""
    try:
        parameters = json.loads((landing_dir / "_manifest" / "generation.json").read_text())["parameters"]
        end = datetime.fromisoformat(parameters.get("end") or parameters["end_date"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return end.replace(tzinfo=UTC) if end.tzinfo is None else end.astimezone(UTC)


def reuse_decision(end: datetime, now: datetime) -> tuple[bool, str]:
    """(reuse the dataset?, why): only when its data ends less than REUSE_MAX_AGE before now."""
    age = now - end
    stamp = f"dataset ends {end.astimezone(UTC):%Y-%m-%dT%H:%MZ}"
    if age < timedelta(0):
        return True, f"{stamp}, after now: reusing it (make data to regenerate)"
    hours = f"{int(age.total_seconds() // 3600)} h ago"
    if age < REUSE_MAX_AGE:
        return True, f"{stamp}, {hours}: reusing it (make data to regenerate)"
    return False, f"{stamp}, {hours}: regenerating so timeliness holds"


def generate_step(
    settings: Settings,
    scale: float,
    seed: int,
    end: datetime | None,
    force: bool,
    now: datetime | None = None,
) -> None:
    """Generate the dataset, unless one is there whose data ends less than 12 hours ago.

    Under the pipeline lock, so no other run lands the old dataset while it is replaced, and the
    warehouse built from the old dataset is retired before anybody can land the new one into it."""
    with warehouse_lock(settings.warehouse_path):
        if holds_own_exports(settings.landing_dir):
            if force:
                raise StepFailed(
                    f"{settings.landing_dir} holds exports the generator did not write (no _manifest/generation.json): "
                    "refusing to replace them; point LANDING_DIR elsewhere to generate a dataset"
                )
            print(f"{settings.landing_dir} holds your own exports (no generator manifest): not generating")
            return
        if dataset_present(settings.landing_dir) and not force:
            recorded = dataset_end(settings.landing_dir)
            if recorded is None:
                print(f"dataset in {settings.landing_dir} does not say when it ends: regenerating")
            else:
                reuse, why = reuse_decision(recorded, now or datetime.now(UTC))
                print(f"{why} ({settings.landing_dir})")
                if reuse:
                    return
        from orchestration.datagen.__main__ import main as generate_main
        from orchestration.datagen.config import format_end

        args = ["--scale", str(scale), "--seed", str(seed), "--out", str(settings.landing_dir)]
        if end:
            args += ["--end-date", format_end(end)]
        if generate_main(args) != 0:
            raise StepFailed("the data generator reported an error (see above)")
        retire_warehouse(settings.warehouse_path)


def retire_warehouse(warehouse_path: Path) -> None:
    """A regenerated dataset is a new synthetic world whose keys mean other things than the
    previous one's, so its raw rows must not be mixed with the old ones: start a new warehouse.
    The caller holds the pipeline lock; its lock file stays (removing it would split the lock)."""
    from orchestration.build_state import incremental_state_file, state_file

    if not warehouse_path.exists():
        return
    for path in (
        warehouse_path,
        warehouse_path.with_name(warehouse_path.name + ".wal"),
        state_file(warehouse_path),
        incremental_state_file(warehouse_path),
    ):
        path.unlink(missing_ok=True)
    print(f"new dataset: removed the previous warehouse {warehouse_path}; it is rebuilt from this dataset")


def _end_argument(text: str) -> datetime:
    from orchestration.datagen.config import parse_end

    try:
        return parse_end(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date or ISO datetime: {text!r} ({error})") from None


def land_step(settings: Settings) -> None:
    from orchestration.landing.__main__ import main as land_main

    if land_main(["--landing-dir", str(settings.landing_dir), "--warehouse", str(settings.warehouse_path)]) != 0:
        raise StepFailed("landing reported an error (see above)")


def render_sources_for(settings: Settings, project_dir: Path | None = None) -> bool:
    """dbt reads the source mappings from the sources files (models/staging/<source>/) and the base
    models: render them anew when the mappings in MAPPING_DIR say something else. True when a file
    was rewritten."""
    from orchestration.mapping import load_mappings
    from orchestration.render_sources import render_project
    from orchestration.render_staging import write_files

    project_dir = project_dir or PROJECT_DIR
    written = write_files(project_dir, render_project(load_mappings(settings.mapping_dir)))
    if written:
        print(
            f"the source mappings in {settings.mapping_dir} changed: rendered {len(written)} file(s) of "
            f"{project_dir} anew ({', '.join(p.name for p in written)})"
        )
    return bool(written)


def excluded_base_model_unit_tests(settings: Settings) -> list[str]:
    """The base models' unit tests state the shipped mappings: a build on others leaves them out."""
    from orchestration.mapping import load_mappings
    from orchestration.render_sources import BASE_MODEL_UNIT_TESTS, renders_as_shipped

    if renders_as_shipped(load_mappings(settings.mapping_dir)):
        return []
    print(
        f"the base models follow the mappings in {settings.mapping_dir}: their unit tests (of mappings/) are left out"
    )
    return [BASE_MODEL_UNIT_TESTS]


# The scorecard is built after validation (the score step), everything else before it.
SCORECARD_SELECTOR = f"path:{SCORECARD_MODELS}"


def run_build(settings: Settings, args: list[str]) -> None:
    """`dbt build args`, its counts printed; StepFailed naming the failed nodes."""
    from orchestration.dbt_runner import run_dbt

    summary = run_dbt(["build", *args], settings)
    print(
        f"dbt build: {summary.count('model', 'success')} models, "
        f"{summary.count('seed', 'success')} seeds, {summary.count('snapshot', 'success')} snapshots built; "
        f"{summary.count('test', 'pass')} tests passed, {summary.count('test', 'warn')} warned, "
        f"{summary.count('test', 'fail', 'error')} failed; {summary.count('unit_test', 'pass')} unit tests passed"
    )
    if not summary.success:
        details = "\n  ".join(summary.failures) or "see the dbt log above"
        raise StepFailed(f"dbt build did not succeed:\n  {details}")


def build_exclusions(settings: Settings) -> list[str]:
    """The build step's `--exclude`: the scorecard (built by the score step) and, on other mappings,
    the base models' unit tests. One flag: dbt keeps only the last of two."""
    return ["--exclude", SCORECARD_SELECTOR, *excluded_base_model_unit_tests(settings)]


def dbt_build_step(settings: Settings, force: bool = False) -> None:
    """dbt build of staging, intermediate and the marts: what GX validates."""
    from orchestration import build_state

    render_sources_for(settings)
    if not force and build_state.is_up_to_date(settings.warehouse_path):
        print("warehouse already built from these files and this project: skipping (make build to force)")
        return
    build_state.forget_build(settings.warehouse_path)
    built_project = build_state.project_digest()
    reason = build_state.full_refresh_reason(settings.warehouse_path)
    if reason:
        print(f"full refresh: {reason}")
    run_build(settings, build_exclusions(settings) + incremental_build_args(reason))
    build_state.record_build(settings.warehouse_path, built=built_project)


def incremental_build_args(full_refresh_reason: str | None) -> list[str]:
    """A full refresh when there is a reason; otherwise the project is the one the last complete
    build ran, unit tests included, and unit tests read fixed inputs, not the data: an incremental
    build leaves them out, and its row-level data tests read the rows written since the last
    complete build whose tests passed (`build_state.DATA_TEST_SCOPE`)."""
    from orchestration.build_state import DATA_TEST_SCOPE

    if full_refresh_reason:
        return ["--full-refresh"]
    return ["--exclude-resource-type", "unit_test", "--vars", json.dumps(DATA_TEST_SCOPE)]


def score_step(settings: Settings) -> None:
    """dbt build of the scorecard, after validation: its data-quality KPI reads this run's score.
    Every run, as each validation is a new score."""
    run_build(settings, ["--select", SCORECARD_SELECTOR])


def validate_step(settings: Settings, historical: bool = False) -> None:
    """GX validates the standards; a failed completeness, accuracy or timeliness standard fails the
    run. Data declared historical is not held to timeliness (orchestration.quality.data_mode)."""
    from orchestration.quality.report import report_lines, validate_and_report
    from orchestration.quality.standards import describe, failures

    run, failed = validate_and_report(settings, historical=historical)
    print("\n".join(report_lines(run, historical)))
    if failed:
        details = "\n  ".join(describe(row) for row in failures(run.results))
        raise StepFailed(f"data quality standard(s) not met: {', '.join(failed)}\n  {details}")


def publish_step(settings: Settings, run_id: str) -> None:
    """Write-audit-publish: the validated marts to the serving file, swapped in atomically."""
    from orchestration.serving import publish_step as publish_serving

    publish_serving(settings, run_id)


def refused_files_lines(warehouse_path: Path) -> list[str]:
    """Refused landing files, for a failed run's output: a build or standard that fails on missing
    data is often explained by a file that never landed."""
    if not warehouse_path.exists():
        return []
    try:
        with duckdb_connect.connect(str(warehouse_path), read_only=True) as con:
            rows = con.execute(
                "select file_path, estimated_rows from raw.landing_inventory where status = 'failed' order by file_path"
            ).fetchall()
    except duckdb.Error:  # no inventory yet, or the warehouse is busy: nothing to add
        return []
    if not rows:
        return []
    lines = [f"{len(rows)} refused landing file(s) hold records the warehouse does not have (raw.landing_inventory):"]
    lines += [f"  {path} (about {estimated:,} rows)" for path, estimated in rows[:10]]
    if len(rows) > 10:
        lines.append(f"  ... and {len(rows) - 10} more")
    return lines


def new_run_id() -> str:
    return "run-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]


def summary_step(settings: Settings) -> None:
    from orchestration.quality import data_mode

    with duckdb_connect.connect(str(settings.warehouse_path), read_only=True) as con:
        rows = con.execute(
            """
            select entity, raw_rows, staged_rows, quarantined_rows, duplicates_removed
            from intermediate.int_row_accounting
            order by entity
            """
        ).fetchall()
        failed_files = con.execute(
            "select file_path, error from raw.landing_inventory where status = 'failed' order by file_path"
        ).fetchall()
        historical = data_mode.read(con).historical
    print(f"{'table':<22}{'raw':>12}{'staged':>12}{'quarantined':>13}{'duplicates':>12}")
    for entity, raw, staged, quarantined, duplicates in rows:
        print(f"{entity:<22}{raw:>12,}{staged:>12,}{quarantined:>13,}{duplicates:>12,}")
    totals = [sum(r[i] for r in rows) for i in range(1, 5)]
    print(f"{'total':<22}{totals[0]:>12,}{totals[1]:>12,}{totals[2]:>13,}{totals[3]:>12,}")
    for path, error in failed_files:
        print(f"refused landing file (raw.landing_inventory; its rows are missing): {error or path}")
    print(f"\nwarehouse: {settings.warehouse_path}")
    if historical:
        print(
            "HISTORICAL EXPORT (declared with --historical): timeliness not applicable; every figure "
            "below is as of the data, not of today"
        )

    # End the run with the latest complete month's scorecard, and write its executive summary.
    from orchestration.reports.generate import generate_reports
    from orchestration.reports.queries import ReportError
    from orchestration.reports.terminal import render_scorecard, use_color

    try:
        [latest] = generate_reports(settings, "month")
    except ReportError as error:  # e.g. data shorter than a month: the run itself still succeeded
        print(f"\nno monthly report: {error}")
        return
    print(f"\n{render_scorecard(latest.report, color=use_color(sys.stdout))}")
    print(f"\nexecutive summary: {latest.markdown}\n                   {latest.html}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.05, help="dataset size (1.0 = 100k students)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--end-date",
        type=_end_argument,
        default=None,
        metavar="END",
        help="end of the generated data: a date (midnight UTC) or ISO datetime (default: now, to the hour)",
    )
    parser.add_argument("--regenerate", action="store_true", help="generate a new dataset even if one exists")
    parser.add_argument(
        "--historical",
        action="store_true",
        help="the landed data is a historical export: timeliness is not applicable, and every publish says so",
    )
    parser.add_argument(
        "--force-build",
        action="store_true",
        help="run dbt build even if nothing landed and the project is unchanged since the last build",
    )
    parser.add_argument(
        "--steps",
        default="generate,land,build,validate,score,publish,summary",
        help="comma-separated subset of: generate, land, build, validate, score, publish, summary",
    )
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    run_id = new_run_id()
    steps: dict[str, tuple[str, Callable[[], None]]] = {
        "generate": (
            "generate data",
            lambda: generate_step(settings, args.scale, args.seed, args.end_date, args.regenerate),
        ),
        "land": ("land files into raw", lambda: land_step(settings)),
        "build": ("dbt build", lambda: dbt_build_step(settings, args.force_build)),
        "validate": ("validate data quality", lambda: validate_step(settings, args.historical)),
        "score": ("dbt build of the scorecard", lambda: score_step(settings)),
        "publish": ("publish to the serving file", lambda: publish_step(settings, run_id)),
        "summary": ("summary", lambda: summary_step(settings)),
    }
    wanted = [s.strip() for s in args.steps.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in steps]
    if unknown:
        parser.error(f"unknown step(s) {', '.join(unknown)}; choose from {', '.join(steps)}")
    try:
        lock_timeout = timeout_from_env()
    except ValueError as error:
        parser.error(str(error))
    started = time.perf_counter()
    try:
        with warehouse_lock(settings.warehouse_path, timeout=lock_timeout):
            for key in wanted:
                _step(*steps[key])
    except LockBusy as busy:
        print(f"\nFAILED: {busy}", file=sys.stderr)
        return 1
    except StepFailed as failure:
        print(f"\nFAILED: {failure}", file=sys.stderr)
        for line in refused_files_lines(settings.warehouse_path):
            print(line, file=sys.stderr)
        if "publish" in wanted:  # a failed build or standard publishes nothing: say what readers see
            from orchestration.serving.publish import serving_status

            print(f"readers see: {serving_status(settings.serving_path)}", file=sys.stderr)
        return 1
    print(f"\nrun finished in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
