"""spark-check's run of a model incremental by partition (`platform_traffic_hourly`, by day).

After the full builds, fct_sessions changes on both engines the way a refresh writes it, on four
days of sessions: the pageviews of the first day's sessions change, the second day's sessions
move to the third day (both rewritten rows carry a later write stamp), and the fourth day's
sessions are deleted (no stamp: its count of sessions tells). Then only the aggregate runs again,
incrementally on both engines: delete+insert by day on DuckDB; on Spark insert_overwrite of the
days it derives again and a dropped partition for each day left empty. Spark's result must equal
DuckDB's, and DuckDB's full refresh of it; and on Spark the partitions whose files changed must be
exactly those four days (the first and third rewritten, the second and fourth dropped), every
other day's files left as they were. Then the other aggregate by day,
`int_student_activity_daily`, runs again on Spark with nothing new under it: it must derive no
day again (no partition's files change) and still equal DuckDB's. Last, fct_sessions is built
again whole on both engines, undoing the changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from orchestration.duckdb_connect import connect
from orchestration.settings import Settings
from orchestration.spark.compare import TableComparison
from orchestration.spark.tables import rewrite_table, table_location

MODEL = "platform_traffic_hourly"
UNCHANGED_MODEL = ("intermediate", "int_student_activity_daily")
UPSTREAM = "marts.fct_sessions"
PARTITION_COLUMN = "date_day"

# a partition's files: (file name, size, modification time in ns) of each
PartitionFiles = Mapping[str, frozenset[tuple[str, int, int]]]


@dataclass(frozen=True)
class TouchedDays:
    changed: date  # its sessions' pageviews change
    moved_from: date  # its sessions move away: emptied
    moved_to: date
    deleted: date  # its sessions are deleted: emptied

    def as_partitions(self) -> dict[str, str]:
        """Partition folder name -> what must happen to it."""
        name = f"{PARTITION_COLUMN}={{}}".format
        return {
            name(self.changed.isoformat()): "rewritten",
            name(self.moved_from.isoformat()): "dropped",
            name(self.moved_to.isoformat()): "rewritten",
            name(self.deleted.isoformat()): "dropped",
        }


def partition_changes(before: PartitionFiles, after: PartitionFiles) -> dict[str, str]:
    """Partition folder -> `rewritten`, `dropped` or `added`, for each whose files differ."""
    changes = {}
    for partition in sorted(before.keys() | after.keys()):
        if partition not in after:
            changes[partition] = "dropped"
        elif partition not in before:
            changes[partition] = "added"
        elif before[partition] != after[partition]:
            changes[partition] = "rewritten"
    return changes


def unexpected_changes(expected: Mapping[str, str], actual: Mapping[str, str]) -> tuple[str, ...]:
    """One message per partition whose change is not the expected one (a missing change included)."""
    return tuple(
        f"{partition}: {actual.get(partition, 'unchanged')}, expected {expected.get(partition, 'unchanged')}"
        for partition in sorted(expected.keys() | actual.keys())
        if expected.get(partition) != actual.get(partition)
    )


def partition_files(location: Path) -> dict[str, frozenset[tuple[str, int, int]]]:
    """The data files of each partition folder of a table's location (checksums and markers aside)."""
    files = {}
    for folder in sorted(p for p in location.iterdir() if p.is_dir() and "=" in p.name):
        data = [f for f in folder.iterdir() if f.is_file() and not f.name.startswith((".", "_"))]
        files[folder.name] = frozenset((f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in data)
    return files


def choose_days(settings: Settings) -> TouchedDays:
    """The first four days with sessions."""
    with connect(settings.warehouse_path, read_only=True, settings=settings) as con:
        days = [
            day
            for (day,) in con.execute(
                f"select distinct {PARTITION_COLUMN} from {UPSTREAM} order by 1 limit 4"
            ).fetchall()
        ]
    if len(days) < 4:
        raise SystemExit(f"spark-check: {UPSTREAM} has sessions on {len(days)} days; the partition check needs 4")
    return TouchedDays(*days)


def changed_columns(days: TouchedDays, columns: list[str]) -> list[str]:
    """fct_sessions' columns as a refresh would rewrite them (the deleted day's rows aside): the
    rewritten rows stamped an hour later than the build, so later than any watermark."""
    changed = f"{PARTITION_COLUMN} = date '{days.changed}'"
    moved = f"{PARTITION_COLUMN} = date '{days.moved_from}'"
    rewritten = {
        PARTITION_COLUMN: f"case when {moved} then date '{days.moved_to}' else {PARTITION_COLUMN} end",
        "pageviews": f"case when {changed} then pageviews + 1 else pageviews end",
        "_written_at": f"case when {changed} or {moved} then _written_at + interval 1 hour else _written_at end",
    }
    return [f"{rewritten[c]} as {c}" if c in rewritten else c for c in columns]


def change_sessions_on_duckdb(settings: Settings, days: TouchedDays) -> None:
    with connect(settings.warehouse_path, settings=settings) as con:
        columns = [c for (c,) in con.execute(f"select column_name from (describe {UPSTREAM})").fetchall()]
        select = ", ".join(changed_columns(days, columns))
        con.execute(
            f"create or replace table {UPSTREAM} as select {select} from {UPSTREAM} "
            f"where {PARTITION_COLUMN} <> date '{days.deleted}'"
        )


def change_sessions_on_spark(spark: Any, days: TouchedDays) -> None:
    select = ", ".join(changed_columns(days, spark.table(UPSTREAM).columns))
    rewrite_table(spark, UPSTREAM, select, f"{PARTITION_COLUMN} <> date '{days.deleted}'")


def check_partition_overwrite(
    settings: Settings,
    build_duckdb: Callable[..., Any],
    build_spark: Callable[..., Any],
    compare: Callable[[str, str], TableComparison],
) -> tuple[list[Any], list[TableComparison]]:
    """The runs above: (the dbt runs, the comparisons: Spark's incremental results against
    DuckDB's, and the partitions Spark rewrote against those expected)."""
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.getOrCreate()
    days = choose_days(settings)
    change_sessions_on_duckdb(settings, days)
    change_sessions_on_spark(spark, days)
    location = table_location(spark, f"marts.{MODEL}")
    before = partition_files(location)
    select = ("build", "--select", MODEL)
    runs = [build_duckdb(select), build_spark(select)]
    after = partition_files(location)
    incremental = compare("marts", MODEL)
    runs.append(build_duckdb((*select, "--full-refresh")))
    full = compare("marts", MODEL)

    schema, unchanged = UNCHANGED_MODEL
    unchanged_location = table_location(spark, f"{schema}.{unchanged}")
    unchanged_before = partition_files(unchanged_location)
    runs.append(build_spark(("build", "--select", unchanged)))
    nothing_new = compare(schema, unchanged)
    # fct_sessions back as a build writes it on both engines: the landing run after this one
    # derives sessions again and compares them with DuckDB's full refresh
    restore = ("run", "--select", UPSTREAM.split(".")[1], "--full-refresh")
    runs.extend([build_duckdb(restore), build_spark(restore)])
    return runs, [
        TableComparison(f"{MODEL} (incremental on both engines)", incremental.rows, incremental.differences),
        TableComparison(f"{MODEL} (incremental on Spark, full refresh on DuckDB)", full.rows, full.differences),
        TableComparison(
            f"{MODEL}: partitions rewritten on Spark",
            (len(before), len(before)),
            unexpected_changes(days.as_partitions(), partition_changes(before, after)),
        ),
        TableComparison(f"{unchanged} (run again on Spark, nothing new)", nothing_new.rows, nothing_new.differences),
        TableComparison(
            f"{unchanged}: partitions rewritten on Spark with nothing new",
            (len(unchanged_before), len(unchanged_before)),
            unexpected_changes({}, partition_changes(unchanged_before, partition_files(unchanged_location))),
        ),
    ]
