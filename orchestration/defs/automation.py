"""Jobs, schedules and the landing sensor: the reporting calendar of `calendar`.

- `warehouse_refresh`: land, build (staging, checks, marts, checks), alert, publish: everything
  except the reports, partitioned by day (`partitions`). `daily_refresh_schedule` runs it
  overnight (05:00) for the day that just ended, `new_landing_files` for the newest day; a
  backfill of a range of days is one run.
- `<frequency>_report` jobs: one report asset each, for the period the schedule names.
- Schedules run in SCHEDULE_TIMEZONE (UTC by default). The monthly and quarterly ones tick every
  Monday and skip all but the first Monday of the month / quarter (see `calendar`).
- `new_landing_files` starts a refresh when files appear in (or change under) LANDING_DIR, once
  they stopped changing for one tick. It never opens the warehouse (DuckDB allows one writer and a
  reader blocks it): it keeps the file list it has seen in its cursor. Its first tick only takes
  stock, so starting the UI does not start a run by itself.
"""

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg

from orchestration.dbt_target import dbt_target
from orchestration.defs.calendar import REFRESH_HOUR, REPORT_SCHEDULES, period_to_report, report_due, schedule_timezone
from orchestration.defs.partitions import refresh_partitions
from orchestration.settings import Settings

REFRESH_GROUPS = ("landing", "staging", "intermediate", "marts", "alerts", "serving")
REPORT_FREQUENCIES = tuple(s.frequency for s in REPORT_SCHEDULES)  # the report assets (see `reports`)
SENSOR_INTERVAL_SECONDS = 60


def report_key(frequency: str) -> dg.AssetKey:
    return dg.AssetKey(["reports", f"{frequency}_report"])


def report_job_name(frequency: str) -> str:
    return f"{frequency}_report"


# -------------------------------------------------------------------------- landing sensor
def snapshot_landing(landing_dir: Path) -> dict[str, str]:
    """Every landing file (as `landing.discovery` finds them) with its size and modification time."""
    from orchestration.landing.discovery import discover

    try:
        files = discover(landing_dir)
    except FileNotFoundError:
        return {}
    snapshot = {}
    for item in files:
        try:
            stat = item.path.lstat()  # a refused link is listed, never followed
        except FileNotFoundError:  # removed while we looked
            continue
        snapshot[item.relative_path] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return snapshot


def landing_decision(current: Mapping[str, str], cursor: str | None) -> tuple[bool, str, str]:
    """(start a run?, new cursor, why) from the files now and the sensor's cursor.

    The cursor holds the files already handed to a run (`seen`) and those seen changing on the
    previous tick (`pending`). New or changed files start a run once they look the same on two
    ticks in a row, so a folder still being written is not landed half-way. Removed files only
    update the cursor."""
    state = json.loads(cursor) if cursor else None
    if state is None:
        return (
            False,
            json.dumps({"seen": dict(current), "pending": None}),
            f"took stock of {len(current)} landing file(s)",
        )
    seen: dict[str, str] = state.get("seen") or {}
    pending = state.get("pending")
    changed = sorted(path for path, signature in current.items() if seen.get(path) != signature)
    if not changed:
        return False, json.dumps({"seen": dict(current), "pending": None}), "no new landing files"
    if pending != dict(current):
        return False, json.dumps({"seen": seen, "pending": dict(current)}), (
            f"{len(changed)} new or changed file(s), e.g. {changed[0]}: waiting one tick for them to settle"
        )
    return (
        True,
        json.dumps({"seen": dict(current), "pending": None}),
        f"{len(changed)} new or changed file(s), e.g. {changed[0]}",
    )


def build_landing_sensor(job: Any) -> dg.SensorDefinition:
    @dg.sensor(
        name="new_landing_files",
        job=job,
        minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Starts a landing-and-build run when new files appear in LANDING_DIR (once they stop changing).",
    )
    def new_landing_files(context: dg.SensorEvaluationContext):
        landing_dir = Settings.from_env().landing_dir
        current = snapshot_landing(landing_dir)
        start, cursor, why = landing_decision(current, context.cursor)
        context.update_cursor(cursor)
        if not start:
            return dg.SkipReason(f"{why} in {landing_dir}")
        run_key = "landing-" + hashlib.sha256(cursor.encode()).hexdigest()[:16]
        return dg.RunRequest(
            run_key=run_key,
            partition_key=refresh_partitions().get_last_partition_key(),
            tags={"trigger": "new_landing_files", "reason": why[:200]},
        )

    return new_landing_files


# ------------------------------------------------------------------------------ schedules
def build_report_schedule(frequency: str, cron: str, description: str, tz: str) -> dg.ScheduleDefinition:
    op_name = report_key(frequency).to_python_identifier()

    def execution(context: dg.ScheduleEvaluationContext):
        local_day = context.scheduled_execution_time.date()  # in the schedule's time zone
        if not report_due(frequency, local_day):
            return dg.SkipReason(f"{local_day} is not when the {frequency} report is due")
        period = period_to_report(frequency, local_day)
        return dg.RunRequest(
            run_key=f"{frequency}-{period}",
            run_config={"ops": {op_name: {"config": {"period": period}}}},
            tags={"report_frequency": frequency, "report_period": period},
        )

    return dg.ScheduleDefinition(
        name=f"{frequency}_report_schedule",
        cron_schedule=cron,
        job_name=report_job_name(frequency),
        execution_timezone=tz,
        execution_fn=execution,
        description=f"{description} ({tz})",
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )


def refresh_job() -> Any:
    return dg.define_asset_job(
        "warehouse_refresh",
        selection=dg.AssetSelection.groups(*REFRESH_GROUPS),
        description="Land new files, build and validate the warehouse (blocking checks), surface alerts, publish.",
    )


def build_automation(report_frequencies: tuple[str, ...] = REPORT_FREQUENCIES, tz: str | None = None) -> dg.Definitions:
    tz = tz or schedule_timezone()
    refresh = refresh_job()
    jobs: list[Any] = [refresh]
    schedules = [
        dg.build_schedule_from_partitioned_job(
            refresh,
            name="daily_refresh_schedule",
            hour_of_day=REFRESH_HOUR,
            minute_of_hour=0,
            description="Land, build and validate the day that just ended, overnight, before the 08:00 daily report "
            "(in SCHEDULE_TIMEZONE, the partitions' time zone)",
            default_status=dg.DefaultScheduleStatus.RUNNING,
        )
    ]
    for item in REPORT_SCHEDULES:
        if item.frequency not in report_frequencies:
            continue
        jobs.append(
            dg.define_asset_job(
                report_job_name(item.frequency),
                selection=dg.AssetSelection.assets(report_key(item.frequency)),
                description=f"The {item.frequency} KPI report for one period (run config: period).",
            )
        )
        schedules.append(build_report_schedule(item.frequency, item.cron, item.description, tz))
    return dg.Definitions(jobs=jobs, schedules=schedules, sensors=[build_landing_sensor(refresh)])


@dg.definitions
def defs() -> dg.Definitions:
    # the report jobs need the report assets, defined on the DuckDB target only (`reports`)
    return build_automation() if dbt_target().on_duckdb else build_automation(report_frequencies=())
