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
   order's copy has no lines nor a payment: the line models and the paid orders' touchpoints need
   not change); in the chain the partitions
   holding rows the run derived again (superseded) rewritten, every other partition's files left
   as they were;
2. for each entity its earliest month's file and the new one sent again, each with one value of
   its first row moved by one: a partition added to every model; the base models' partitions
   holding rows of those files rewritten (those rows turn duplicates); in the chain models, the
   partitions holding the corrected rows (superseded) rewritten without them, or dropped when they
   held nothing else.

The first landing's session file also holds a session of a student no file has yet (an orphan:
quarantined, a partition added to the quarantine model); the second lands that student, and the
session turns valid: the quarantine partition holding it is rewritten without it, or dropped when it
held nothing else.

After each, Spark's tables must equal DuckDB's, and after both, DuckDB's full refresh.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from orchestration.contracts import Column, Entity, entity
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
            # paid orders only, one row per touch: a run writes every touch of an order it derives
            ("marts", "fct_order_touchpoints"): "order_id",
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
        {
            ("intermediate", "int_lesson_activity_joined"): "event_id",
            ("marts", "fct_lesson_activity"): "event_id",
            # one row per enrollment and module: a run writes every module of an enrollment it sums
            ("intermediate", "int_enrollment_module_progress"): "enrollment_id",
        },
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
# chain models an order reaches only once paid
PAID_ORDERS_ONLY = frozenset({("marts", "fct_order_touchpoints")})


@dataclass(frozen=True)
class LateParent:
    """A reference of a landed entity whose parent row lands one landing after the row: the first
    landing's file holds a copy of the entity's row pointing to a parent key no file has yet."""

    child: LandedEntity
    column: str  # the child's reference to the parent
    quarantine: Table  # the child's quarantine model

    @property
    def parent(self) -> Entity:
        references = self.child.column(self.column).references
        if references is None:
            raise ValueError(f"{self.child.name}.{self.column} references no entity")
        return entity(references.split(".")[0])

    @property
    def parent_base(self) -> Table:
        return ("staging", f"base_{self.parent.source}__{self.parent.name}")


# a session of a student who lands a landing later
LATE_PARENT = LateParent(
    next(landed for landed in LANDED if landed.name == "sessions"),
    "userId",
    ("staging", "quarantine_web_analytics__sessions"),
)
TABLES = (*(landed.base for landed in LANDED), *CHAIN, LATE_PARENT.parent_base, LATE_PARENT.quarantine)
# the tables between the base models and the chain (stg_ of the big streams and
# int_sessions_attributed are views over their inputs), and the late parent's staged table (its
# tests hold it to the base model's count)
BETWEEN = (
    "stg_marketplace__orders",
    "stg_learning__enrollments",
    f"stg_{LATE_PARENT.parent.source}__{LATE_PARENT.parent.name}",
)
SELECTED = (*(table[1] for table in TABLES), *BETWEEN)


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


def next_snapshot_name(names: Sequence[str], parent: Entity) -> str:
    """The name of a snapshot file of `parent` a day after the latest of `names`."""
    pattern = re.compile(rf"{parent.name}_(\d{{4}}-\d{{2}}-\d{{2}})\.csv")
    days = [date.fromisoformat(found.group(1)) for name in names if (found := pattern.fullmatch(name))]
    if not days:
        raise SystemExit(f"spark-check: no {parent.name} snapshot files named {parent.name}_YYYY-MM-DD.csv")
    return f"{parent.name}_{(max(days) + timedelta(days=1)).isoformat()}.csv"


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


def relinked_partitions(
    before: Sequence[tuple[str, str]], parent_key: str | None, rewritten: set[str]
) -> dict[str, str]:
    """What a landing does to the quarantine's partitions, from each held row's parent key and
    partition: the partitions its base model rewrote (`rewritten`, folders) are written again; where
    the landing brought the parent `parent_key`, the partitions holding its children lose them
    (`dropped` when they held nothing else)."""
    changes = {folder: "rewritten" for _, folder in before if folder in rewritten}
    for folder in {folder for key, folder in before if parent_key is not None and key == parent_key}:
        others = [key for key, held in before if held == folder and key != parent_key]
        changes[folder] = "rewritten" if others else "dropped"
    return changes


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
        rows = [new_row(header, row, every_key, landed.key)]
        if landed == LATE_PARENT.child:
            orphan = new_row(header, row, [*every_key, rows[0][header.index(landed.key)]], landed.key)
            orphan[header.index(LATE_PARENT.column)] = parent_key_to_come(settings)
            rows.append(orphan)
        write_rows(folder / next_month_name(files[-1].name, landed), header, rows)
    return {table: set() for table in (*(landed.base for landed in LANDED), LATE_PARENT.parent_base)}


def parent_key_to_come(settings: Settings) -> str:
    """A key of the late parent no file has: the same until the parent lands."""
    parent = LATE_PARENT.parent
    (key,) = parent.key
    every_key = [row[key] for row in _parent_rows(settings)]
    return new_key(latest_staged_key(settings, parent), every_key)


def land_late_parent(settings: Settings) -> None:
    """The late parent's snapshot file: a copy of a staged parent row under the key to come."""
    parent = LATE_PARENT.parent
    (key,) = parent.key
    folder = settings.landing_dir / parent.source / parent.name
    rows = _parent_rows(settings)
    copied = latest_staged_key(settings, parent)
    found = [row for row in rows if row[key] == copied]
    if not found:
        raise SystemExit(f"spark-check: no row of {parent.name} {copied!r} (staged) in the files in {folder}")
    row = {**found[-1], key: parent_key_to_come(settings)}
    header = list(row)
    names = [path.name for path in folder.glob("*.csv")]
    write_rows(folder / next_snapshot_name(names, parent), header, [[row[name] for name in header]])


def _parent_rows(settings: Settings) -> list[dict[str, str]]:
    parent = LATE_PARENT.parent
    (key,) = parent.key
    rows: list[dict[str, str]] = []
    for path in sorted((settings.landing_dir / parent.source / parent.name).glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if key not in (reader.fieldnames or ()):
                raise SystemExit(f"spark-check: {path} has no column {key!r}")
            rows.extend(reader)
    return rows


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
    land_late_parent(settings)
    return {**resent, LATE_PARENT.parent_base: set()}


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
        base_rows[LATE_PARENT.parent_base] = []
        quarantined = keys_in_partitions(LATE_PARENT.quarantine, LATE_PARENT.column)
        parent_key = parent_key_to_come(settings)
        resent = write_files(settings)
        # a base model keeps a re-sent row's old version (flagged a duplicate): rewritten, never dropped
        held = {
            base: {folder: "rewritten" for key, folder in rows if key in resent[base]}
            for base, rows in base_rows.items()
        }
        # the partitions of the quarantine its base model rewrote: whole again; the parent's landing
        # takes its children out
        (parent_column,) = LATE_PARENT.parent.key
        landed_parent = parent_key if parent_key in {row[parent_column] for row in _parent_rows(settings)} else None
        rewritten = set(held[LATE_PARENT.child.base])
        held[LATE_PARENT.quarantine] = relinked_partitions(quarantined, landed_parent, rewritten)
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

    # a copy reaches the models keyed like its entity (an order's copy has no lines, nor a payment)
    copies_reach = [
        table
        for item in LANDED
        for table, key in item.chain.items()
        if key == item.staged_key and table not in PAID_ORDERS_ONLY
    ]
    first_reach = [*(item.base for item in LANDED), *copies_reach, LATE_PARENT.quarantine]
    landed("a new month's file landed", land_copies, first_reach)
    # the second takes the orphan out of the quarantine: no partition need be added there
    landed("two months' files sent again, corrected", land_corrections,
           [table for table in TABLES if table != LATE_PARENT.quarantine])

    runs.append(build_duckdb((*select, "--full-refresh")))
    for table in TABLES:
        comparisons.append(_named(compare(*table), f"{'.'.join(table)} (incremental on Spark, full refresh on DuckDB)"))
    return runs, comparisons


def latest_staged(settings: Settings, landed: LandedEntity) -> str:
    """The key of the row DuckDB's staging holds last in time (ties: the greatest key): the one to
    copy under a new key (a copy of a quarantined row would not reach the chain at all)."""
    key = f"cast({landed.staged_key} as varchar)"
    sql = f"select {key} from staging.{landed.staged} order by {landed.staged_time} desc, {key} desc"
    return _first_staged_key(settings, sql, landed.name)


def latest_staged_key(settings: Settings, parent: Entity) -> str:
    """The greatest key staging holds of `parent` (its staged row is a valid one to copy)."""
    (key,) = parent.key
    sql = f"select cast({key} as varchar) from staging.stg_{parent.source}__{parent.name} order by 1 desc"
    return _first_staged_key(settings, sql, parent.name)


def _first_staged_key(settings: Settings, sql: str, name: str) -> str:
    with connect(settings.warehouse_path, read_only=True, settings=settings) as con:
        found = con.execute(sql + " limit 1").fetchone()
    if found is None:
        raise SystemExit(f"spark-check: staging holds no row of {name} to copy")
    return found[0]


def _named(comparison: TableComparison, name: str) -> TableComparison:
    return TableComparison(name, comparison.rows, comparison.differences, comparison.missing_columns)


def _partitions(name: str, before: PartitionFiles, after: PartitionFiles, expected: dict[str, str]) -> TableComparison:
    return TableComparison(
        name, (len(after), len(after)), unexpected_changes(expected, partition_changes(before, after))
    )
