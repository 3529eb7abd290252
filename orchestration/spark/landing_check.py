"""spark-check's runs of the chains after new landings: four entities' base models, the incremental
models their rows reach, and the models between them.

On DuckDB they are incremental by key (delete+insert). On Spark a base model is a table
partitioned by landing run (`_loaded_at`) whose runs overwrite the partitions they write rows of,
with the rows they hold there; a chain model is partitioned by the run that wrote its rows
(`_written_at`): a run adds a partition, then prunes the rows it superseded from older ones. After
the full builds, files of orders, enrollments, lesson events and web sessions land on both engines
twice, and only these models run again after each (`SELECTED`):

1. for each entity a new month's file holding a copy of the row staging holds last, under a new
   key: a partition added to each base model and to each chain model keyed like the entity (an
   order's copy has no lines: the line models need not change); in the chain the partitions
   holding rows the run derived again (superseded) rewritten, every other partition's files left
   as they were;
2. for each entity its earliest month's file and the new one sent again, each with one value of
   its first row moved by one: a partition added to every model; the base models' partitions
   holding rows of those files rewritten (those rows turn duplicates); in the chain models, the
   partitions holding the corrected rows (superseded) rewritten without them, or dropped when they
   held nothing else.

After each, Spark's tables must equal DuckDB's, and after both, DuckDB's full refresh.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from orchestration.contracts import Column, entity
from orchestration.duckdb_connect import connect
from orchestration.settings import Settings
from orchestration.spark.compare import TableComparison
from orchestration.spark.partition_check import PartitionFiles, partition_changes, partition_files, unexpected_changes
from orchestration.spark.tables import table_location

Table = tuple[str, str]  # (schema, model)


@dataclass(frozen=True)
class LandedEntity:
    """An entity whose monthly files the check lands, and the chain models its rows reach."""

    source: str
    name: str
    staged_key: str  # in its stg model; the contract's key (the landing files' column) may differ
    staged_time: str  # the business time of its stg model: the row held last is the one copied
    corrected: str  # the contract column moved by one in the files sent again
    chain: Mapping[Table, str]  # the incremental models its rows reach, with their keys

    @property
    def key(self) -> str:
        (key,) = entity(self.name).key
        return key

    @property
    def base(self) -> Table:
        return ("staging", f"base_{self.source}__{self.name}")

    @property
    def staged(self) -> str:
        return f"stg_{self.source}__{self.name}"

    @property
    def month_file(self) -> re.Pattern[str]:
        return re.compile(rf"{self.name}_(\d{{4}})-(\d{{2}})\.csv")

    def column(self, name: str) -> Column:
        return entity(self.name).column(name)


LANDED = (
    LandedEntity(
        "marketplace",
        "orders",
        "order_id",
        "ordered_at",
        "order_total",
        {
            ("intermediate", "int_orders_converted"): "order_id",
            ("intermediate", "int_order_items_enriched"): "order_item_id",
            ("marts", "fct_orders"): "order_id",
            ("marts", "fct_order_items"): "order_item_id",
        },
    ),
    LandedEntity(
        "learning",
        "enrollments",
        "enrollment_id",
        "enrolled_at",
        "progress_pct",
        {("intermediate", "int_enrollments_progress"): "enrollment_id", ("marts", "fct_enrollments"): "enrollment_id"},
    ),
    LandedEntity(
        "learning",
        "lesson_activity",
        "event_id",
        "occurred_at",
        "video_seconds_watched",
        {("intermediate", "int_lesson_activity_joined"): "event_id", ("marts", "fct_lesson_activity"): "event_id"},
    ),
    LandedEntity(
        "web_analytics",
        "sessions",
        "session_id",
        "started_at",
        "durationSeconds",
        {("marts", "fct_sessions"): "session_id"},
    ),
)
CHAIN: dict[Table, str] = {table: key for landed in LANDED for table, key in landed.chain.items()}
TABLES = (*(landed.base for landed in LANDED), *CHAIN)
# the tables between the base models and the chain (stg_ of the big streams and
# int_sessions_attributed are views over their inputs)
BETWEEN = ("stg_marketplace__orders", "stg_learning__enrollments", "int_enrollment_module_progress")
SELECTED = (*(landed.base[1] for landed in LANDED), *BETWEEN, *(name for _, name in CHAIN))


def read_rows(path: Path, landed: LandedEntity) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    for column in (landed.key, landed.corrected):
        if column not in header:
            raise SystemExit(f"spark-check: {path} has no column {column!r}")
    return header, rows


def write_rows(path: Path, header: list[str], rows: Sequence[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def month_files(folder: Path, landed: LandedEntity) -> list[Path]:
    files = sorted(p for p in folder.glob("*.csv") if landed.month_file.fullmatch(p.name))
    if not files:
        raise SystemExit(f"spark-check: no monthly {landed.name} files in {folder}")
    return files


def next_month_name(name: str, landed: LandedEntity) -> str:
    found = landed.month_file.fullmatch(name)
    if found is None:
        raise ValueError(f"not a monthly {landed.name} file name: {name}")
    year, month = int(found.group(1)), int(found.group(2))
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return f"{landed.name}_{year:04d}-{month:02d}.csv"


def new_key(copied: str, every_key: Sequence[str]) -> str:
    """A key no row has: the greatest plus one when every key is a number, else the copied key
    with a suffix."""
    if every_key and all(key.isdigit() for key in every_key):
        return str(max(int(key) for key in every_key) + 1)
    taken, suffix = set(every_key), 1
    while f"{copied}-copy{suffix}" in taken:
        suffix += 1
    return f"{copied}-copy{suffix}"


def new_row(header: list[str], row: Sequence[str], every_key: Sequence[str], key: str) -> list[str]:
    """`row` again under a new key."""
    copy = list(row)
    copy[header.index(key)] = new_key(row[header.index(key)], every_key)
    return copy


def moved_by_one(value: str, column: Column) -> str:
    """`value` one more, or one less where one more passes the contract's maximum; integers as
    integers, other numbers with two decimals (as exports write money and percentages)."""
    number = float(value)
    number += -1 if column.max_value is not None and number + 1 > column.max_value else 1
    return str(int(number)) if column.type == "integer" else f"{number:.2f}"


def with_first_value_corrected(header: list[str], rows: Sequence[list[str]], column: Column) -> list[list[str]]:
    """The rows with the first value of `column` moved by one (the rows read left as they were)."""
    corrected = [list(row) for row in rows]
    index = header.index(column.name)
    first = next((row for row in corrected if row[index].strip()), None)
    if first is None:
        raise SystemExit(f"spark-check: no row with a {column.name} to correct")
    first[index] = moved_by_one(first[index], column)
    return corrected


def expected_changes(before: PartitionFiles, after: PartitionFiles, held: Mapping[str, str]) -> dict[str, str]:
    """One partition added (the run's; none expected when the files show several or none) and the
    `held` ones changed as named (`rewritten`, or `dropped` when all their rows go)."""
    added = sorted(after.keys() - before.keys())
    expected = dict(held)
    if len(added) == 1:
        expected[added[0]] = "added"
    return expected


def partitions_holding(spark: Any, table: str, key: str) -> list[tuple[str, str]]:
    """(key as text, the partition folder holding its row) of every row of `table`."""
    files = spark.sql(f"select cast({key} as string) as key, input_file_name() as file from {table}").collect()
    return [(row.key, partition_folder(row.file)) for row in files]


def superseded_partitions(before: Mapping[str, str], after: Mapping[str, str]) -> dict[str, str]:
    """What a run that added a partition did to the older ones, from each key's partition before
    and after it: the partitions that held keys the new one holds now lose those rows, `dropped`
    when they held nothing else, else `rewritten`."""
    added = set(after.values()) - set(before.values())
    taken = {key for key, partition in after.items() if partition in added}
    held: dict[str, list[int]] = {}
    for key, partition in before.items():
        counts = held.setdefault(partition, [0, 0])
        counts[0] += 1
        counts[1] += key in taken
    return {
        partition: "dropped" if going == rows else "rewritten"
        for partition, (rows, going) in held.items()
        if going
    }


def partition_folder(file_url: str) -> str:
    """The partition folder of a data file as `input_file_name()` gives it: a URL, whose folder
    name is percent-encoded once more than on disk (`:` is `%3A` on disk, `%253A` in the URL)."""
    return Path(unquote(file_url.removeprefix("file:"))).parent.name


def land_copies(settings: Settings) -> dict[Table, set[str]]:
    """For each entity, a new month's file holding a copy of its latest staged row under a new key;
    per base model the keys of the files sent again (none)."""
    for landed in LANDED:
        folder = settings.landing_dir / landed.source / landed.name
        files = month_files(folder, landed)
        latest = latest_staged(settings, landed)
        every_key: list[str] = []
        copied: list[tuple[list[str], list[str]]] = []
        for path in files:
            header, rows = read_rows(path, landed)
            keys = [row[header.index(landed.key)] for row in rows]
            every_key.extend(keys)
            copied.extend((header, row) for key, row in zip(keys, rows, strict=True) if key == latest)
        if not copied:
            raise SystemExit(f"spark-check: no row of {landed.key} {latest!r} (staged last) in the files in {folder}")
        header, row = copied[-1]
        new_file = folder / next_month_name(files[-1].name, landed)
        write_rows(new_file, header, [new_row(header, row, every_key, landed.key)])
    return {landed.base: set() for landed in LANDED}


def land_corrections(settings: Settings) -> dict[Table, set[str]]:
    """For each entity, its earliest month's file and the newest (the copy's) sent again, each
    with its first value of the corrected column moved by one; per base model the keys of the files
    sent again."""
    resent: dict[Table, set[str]] = {}
    for landed in LANDED:
        files = month_files(settings.landing_dir / landed.source / landed.name, landed)
        for path in (files[0], files[-1]):
            header, rows = read_rows(path, landed)
            write_rows(path, header, with_first_value_corrected(header, rows, landed.column(landed.corrected)))
            resent.setdefault(landed.base, set()).update(row[header.index(landed.key)] for row in rows)
    return resent


def check_landed_batches(
    settings: Settings,
    land_and_export: Callable[[], None],
    build_duckdb: Callable[..., Any],
    build_spark: Callable[..., Any],
    compare: Callable[[str, str], TableComparison],
) -> tuple[list[Any], list[TableComparison]]:
    """The runs above: (the dbt runs, the comparisons)."""
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.getOrCreate()
    locations = {table: table_location(spark, ".".join(table)) for table in TABLES}
    # the unit tests ran with the full builds and read no landed data
    select = ("build", "--select", *SELECTED, "--exclude-resource-type", "unit_test")
    runs, comparisons = [], []

    def keys_in_partitions(table: Table, key: str) -> list[tuple[str, str]]:
        return partitions_holding(spark, ".".join(table), key)

    def landed(what: str, write_files: Callable[[Settings], dict[Table, set[str]]], reaching: Sequence[Table]) -> None:
        before = {table: partition_files(location) for table, location in locations.items()}
        keys_before = {table: dict(keys_in_partitions(table, key)) for table, key in CHAIN.items()}
        base_rows = {item.base: keys_in_partitions(item.base, item.key) for item in LANDED}
        resent = write_files(settings)
        # a base model keeps a re-sent row's old version (flagged a duplicate): rewritten, never dropped
        held = {
            base: {folder: "rewritten" for key, folder in rows if key in resent[base]}
            for base, rows in base_rows.items()
        }
        land_and_export()
        runs.extend([build_duckdb(select), build_spark(select)])
        for table, key in CHAIN.items():
            held[table] = superseded_partitions(keys_before[table], dict(keys_in_partitions(table, key)))
        for table, location in locations.items():
            after, name = partition_files(location), ".".join(table)
            title = f"{name}: partitions written on Spark ({what})"
            expected = expected_changes(before[table], after, held[table])
            comparisons.append(_named(compare(*table), f"{name} ({what})"))
            comparisons.append(_partitions(title, before[table], after, expected))
            if table in reaching and not after.keys() - before[table].keys():
                missed = ("no partition added: the landing did not reach this model",)
                comparisons.append(TableComparison(title, (len(after), len(after)), missed))

    # a copy reaches the models keyed like its entity (an order's copy has no lines)
    copies_reach = [table for item in LANDED for table, key in item.chain.items() if key == item.staged_key]
    landed("a new month's file landed", land_copies, [*(item.base for item in LANDED), *copies_reach])
    landed("two months' files sent again, corrected", land_corrections, list(TABLES))

    runs.append(build_duckdb((*select, "--full-refresh")))
    for table in TABLES:
        comparisons.append(_named(compare(*table), f"{'.'.join(table)} (incremental on Spark, full refresh on DuckDB)"))
    return runs, comparisons


def latest_staged(settings: Settings, landed: LandedEntity) -> str:
    """The key of the row DuckDB's staging holds last in time (ties: the greatest key): the one to
    copy under a new key (a copy of a quarantined row would not reach the chain at all)."""
    key = f"cast({landed.staged_key} as varchar)"
    sql = f"select {key} from staging.{landed.staged} order by {landed.staged_time} desc, {key} desc limit 1"
    with connect(settings.warehouse_path, read_only=True, settings=settings) as con:
        found = con.execute(sql).fetchone()
    if found is None:
        raise SystemExit(f"spark-check: staging holds no row of {landed.name} to copy")
    return found[0]


def _named(comparison: TableComparison, name: str) -> TableComparison:
    return TableComparison(name, comparison.rows, comparison.differences, comparison.missing_columns)


def _partitions(name: str, before: PartitionFiles, after: PartitionFiles, expected: dict[str, str]) -> TableComparison:
    return TableComparison(
        name, (len(after), len(after)), unexpected_changes(expected, partition_changes(before, after))
    )
