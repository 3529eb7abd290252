"""Daily partitions of the warehouse refresh, and the window a run passes to dbt.

A partition is a calendar day in SCHEDULE_TIMEZONE (UTC by default), from PARTITIONS_START on. The
landing asset and the dbt layers carry it; a run of one partition, or a backfill of a range as one
run (`BackfillPolicy.single_run`), does what a refresh does (land every new file, build
incrementally) and passes its window to dbt as the vars `rederive_from` / `rederive_to`, in UTC:
the event base models derive again the rows they hold whose business time falls in the window,
and the models downstream follow the rows written again (macros/utils/incremental.sql). Landing
takes no window: a landing file names no day a user's export is bound to, so every new file lands
whatever the partition. The daily schedule runs the newest complete day.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

import dagster as dg

from orchestration.defs.calendar import schedule_timezone

START_VARIABLE = "PARTITIONS_START"
# before the two years the default dataset covers, so a backfill can reach all of it
DEFAULT_START = "2024-01-01"
WINDOW_VARS = ("rederive_from", "rederive_to")


def partitions_start() -> str:
    """The first day of the partitions: PARTITIONS_START (YYYY-MM-DD) or the default."""
    value = os.environ.get(START_VARIABLE, "").strip() or DEFAULT_START
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{START_VARIABLE}={value!r}: give the first day as YYYY-MM-DD") from None
    return value


def refresh_partitions() -> dg.DailyPartitionsDefinition:
    return dg.DailyPartitionsDefinition(start_date=partitions_start(), timezone=schedule_timezone())


def window_vars(start: datetime, end: datetime) -> dict[str, str]:
    """The dbt vars naming the window [start, end) in UTC, as the warehouse stores business time."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("a partition window is time-zone aware")
    stamps = (moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") for moment in (start, end))
    return dict(zip(WINDOW_VARS, stamps, strict=True))


def run_window_vars(context: dg.AssetExecutionContext) -> dict[str, str]:
    """The window vars of a partitioned run (one partition or a backfilled range); none otherwise."""
    if not context.has_partition_key and not context.has_partition_key_range:
        return {}
    window = context.partition_time_window
    return window_vars(window.start, window.end)
