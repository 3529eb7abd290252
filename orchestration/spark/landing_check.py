"""spark-check's runs of the order chain after new landings: `base_marketplace__orders` and the
incremental models after it (int_orders_converted, int_order_items_enriched, fct_orders,
fct_order_items).

On DuckDB they are incremental by key (delete+insert). On Spark a base model is a table
partitioned by landing run (`_loaded_at`) whose runs overwrite the partitions they write rows of,
with the rows they hold there; a chain model is partitioned by the run that wrote its rows
(`_written_at`): a run adds a partition, then prunes the rows it superseded from older ones. After
the full builds two files land on both engines, and only these models (and stg_marketplace__orders
between them) run again after each:

1. a new month's file holding a copy of the latest staged order under a new key: a partition
   added to the base model and to the order models (it has no lines: the line models need not
   change), in the chain the partitions holding rows the run derived again (superseded)
   rewritten, every other partition's files left as they were;
2. the earliest month's file and the new one sent again, each with its first order's total
   corrected: a partition added to each model; the base model's partitions holding rows of those
   files' orders rewritten (those rows turn duplicates); in the chain models, the partitions
   holding the corrected orders' rows (superseded) rewritten without them, or dropped when they
   held nothing else.

After each, Spark's tables must equal DuckDB's, and after both, DuckDB's full refresh.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from orchestration.duckdb_connect import connect
from orchestration.settings import Settings
from orchestration.spark.compare import TableComparison
from orchestration.spark.partition_check import PartitionFiles, partition_changes, partition_files, unexpected_changes
from orchestration.spark.tables import table_location

SCHEMA, MODEL = "staging", "base_marketplace__orders"
# the chain's models with their keys, run with the base model and the staging model between them
CHAIN = {
    ("intermediate", "int_orders_converted"): "order_id",
    ("intermediate", "int_order_items_enriched"): "order_item_id",
    ("marts", "fct_orders"): "order_id",
    ("marts", "fct_order_items"): "order_item_id",
}
TABLES = ((SCHEMA, MODEL), *CHAIN)
SELECTED = (MODEL, "stg_marketplace__orders", *(name for _, name in CHAIN))
ENTITY_FOLDER = ("marketplace", "orders")
KEY, CORRECTED = "order_id", "order_total"
MONTH_FILE = re.compile(r"orders_(\d{4})-(\d{2})\.csv")


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    for column in (KEY, CORRECTED):
        if column not in header:
            raise SystemExit(f"spark-check: {path} has no column {column!r}")
    return header, rows


def keys_of(path: Path) -> list[str]:
    header, rows = read_rows(path)
    return [row[header.index(KEY)] for row in rows]


def write_rows(path: Path, header: list[str], rows: Sequence[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def month_files(folder: Path) -> list[Path]:
    files = sorted(p for p in folder.glob("*.csv") if MONTH_FILE.fullmatch(p.name))
    if not files:
        raise SystemExit(f"spark-check: no monthly orders files in {folder}")
    return files


def next_month_name(name: str) -> str:
    found = MONTH_FILE.fullmatch(name)
    if found is None:
        raise ValueError(f"not a monthly orders file name: {name}")
    year, month = int(found.group(1)), int(found.group(2))
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return f"orders_{year:04d}-{month:02d}.csv"


def new_order(header: list[str], rows: Sequence[list[str]], every_key: Sequence[str]) -> list[str]:
    """The last row again under the next unused numeric key."""
    if not rows:
        raise SystemExit("spark-check: no row of the staged order to copy in the orders files")
    if not all(key.isdigit() for key in every_key):
        raise SystemExit(f"spark-check: the orders' {KEY} values are not all numbers; cannot pick a new one")
    row = list(rows[-1])
    row[header.index(KEY)] = str(max(int(key) for key in every_key) + 1)
    return row


def with_first_total_corrected(header: list[str], rows: Sequence[list[str]]) -> list[list[str]]:
    """The rows with the first one's total one more (two decimals, as exports write money)."""
    if not rows:
        raise SystemExit("spark-check: the orders file has no rows to correct")
    corrected = [list(row) for row in rows]
    column = header.index(CORRECTED)
    corrected[0][column] = f"{float(corrected[0][column]) + 1:.2f}"
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
    folder = settings.landing_dir.joinpath(*ENTITY_FOLDER)
    files = month_files(folder)
    every_key = [key for path in files for key in keys_of(path)]
    locations = {table: table_location(spark, ".".join(table)) for table in TABLES}
    select = ("build", "--select", *SELECTED)
    runs, comparisons = [], []

    def landed(what: str, resent_keys: Sequence[str], reaching: Sequence[tuple[str, str]]) -> None:
        before = {table: partition_files(location) for table, location in locations.items()}
        keys_before = {table: dict(partitions_holding(spark, ".".join(table), key)) for table, key in CHAIN.items()}
        # the base model keeps a re-sent order's old rows (flagged duplicates): rewritten, never dropped
        base = partitions_holding(spark, f"{SCHEMA}.{MODEL}", KEY)
        resent = set(resent_keys)
        held = {(SCHEMA, MODEL): {folder: "rewritten" for key, folder in base if key in resent}}
        land_and_export()
        runs.extend([build_duckdb(select), build_spark(select)])
        for table, key in CHAIN.items():
            after_keys = dict(partitions_holding(spark, ".".join(table), key))
            held[table] = superseded_partitions(keys_before[table], after_keys)
        for table, location in locations.items():
            after, name = partition_files(location), ".".join(table)
            title = f"{name}: partitions written on Spark ({what})"
            comparisons.append(_named(compare(*table), f"{name} ({what})"))
            expected = expected_changes(before[table], after, held[table])
            comparisons.append(_partitions(title, before[table], after, expected))
            if table in reaching and not after.keys() - before[table].keys():
                missed = ("no partition added: the landing did not reach this model",)
                comparisons.append(TableComparison(title, (len(after), len(after)), missed))

    latest = latest_staged_order(settings)
    header = read_rows(files[-1])[0]
    new_file = folder / next_month_name(files[-1].name)
    copied = [row for path in files for row in read_rows(path)[1] if row[header.index(KEY)] == latest]
    write_rows(new_file, header, [new_order(header, copied, every_key)])
    # the new order has no lines: only the order models must take it in
    landed("a new month's file landed", [], [t for t, key in CHAIN.items() if key == KEY])

    resent = (files[0], new_file)
    for path in resent:
        header, rows = read_rows(path)
        write_rows(path, header, with_first_total_corrected(header, rows))
    landed("two months' files sent again, corrected", [key for path in resent for key in keys_of(path)], list(CHAIN))

    runs.append(build_duckdb((*select, "--full-refresh")))
    for table in TABLES:
        comparisons.append(_named(compare(*table), f"{'.'.join(table)} (incremental on Spark, full refresh on DuckDB)"))
    return runs, comparisons


def latest_staged_order(settings: Settings) -> str:
    """The key of the order DuckDB's staging holds last in time (ties: the greatest key): the one
    to copy under a new key (a copy of a quarantined order would not reach the chain at all)."""
    sql = (
        "select cast(order_id as varchar) from staging.stg_marketplace__orders"
        " order by ordered_at desc, cast(order_id as varchar) desc limit 1"
    )
    with connect(settings.warehouse_path, read_only=True, settings=settings) as con:
        found = con.execute(sql).fetchone()
    if found is None:
        raise SystemExit("spark-check: staging holds no order to copy")
    return found[0]


def _named(comparison: TableComparison, name: str) -> TableComparison:
    return TableComparison(name, comparison.rows, comparison.differences, comparison.missing_columns)


def _partitions(name: str, before: PartitionFiles, after: PartitionFiles, expected: dict[str, str]) -> TableComparison:
    return TableComparison(
        name, (len(after), len(after)), unexpected_changes(expected, partition_changes(before, after))
    )
