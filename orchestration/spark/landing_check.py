"""spark-check's runs of a base model after new landings (`base_marketplace__orders`).

A base model is incremental by key on DuckDB (delete+insert by `_batch_id`, `_row_number`) and, on
Spark, a table partitioned by landing run (`_loaded_at`) whose runs overwrite the partitions they
write rows of, with the rows they hold there. After the full builds two files land on both engines,
and only the base model runs again after each:

1. a new month's file holding one new order: a new partition, every other partition's files left
   as they were (no held row has its key);
2. the earliest month's file sent again with one order's total corrected: a new partition, and
   the partitions holding the rows of that file's orders rewritten (those rows turn duplicates),
   the new month's partition left as it was.

After each, Spark's table must equal DuckDB's, and after both, DuckDB's full refresh.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from orchestration.settings import Settings
from orchestration.spark.compare import TableComparison
from orchestration.spark.partition_check import PartitionFiles, partition_changes, partition_files, unexpected_changes
from orchestration.spark.tables import table_location

SCHEMA, MODEL = "staging", "base_marketplace__orders"
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
        raise SystemExit("spark-check: the latest orders file has no rows to copy")
    if not all(key.isdigit() for key in every_key):
        raise SystemExit(f"spark-check: the orders' {KEY} values are not all numbers; cannot pick a new one")
    row = list(rows[-1])
    row[header.index(KEY)] = str(max(int(key) for key in every_key) + 1)
    return row


def with_first_total_corrected(header: list[str], rows: Sequence[list[str]]) -> list[list[str]]:
    """The rows with the first one's total one more (two decimals, as exports write money)."""
    if not rows:
        raise SystemExit("spark-check: the earliest orders file has no rows to correct")
    corrected = [list(row) for row in rows]
    column = header.index(CORRECTED)
    corrected[0][column] = f"{float(corrected[0][column]) + 1:.2f}"
    return corrected


def expected_changes(before: PartitionFiles, after: PartitionFiles, rewritten: set[str]) -> dict[str, str]:
    """One partition added (the landing's; none expected when the files show several or none) and
    the `rewritten` ones rewritten."""
    added = sorted(after.keys() - before.keys())
    expected = dict.fromkeys(rewritten, "rewritten")
    if len(added) == 1:
        expected[added[0]] = "added"
    return expected


def partitions_holding(spark: Any, keys: Sequence[str]) -> set[str]:
    """The partition folders of the base model holding rows of these keys."""
    listed = ", ".join("'" + key.replace("'", "''") + "'" for key in keys)
    files = spark.sql(
        f"select distinct input_file_name() as file from {SCHEMA}.{MODEL} where {KEY} in ({listed})"
    ).collect()
    return {partition_folder(row.file) for row in files}


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
    location = table_location(spark, f"{SCHEMA}.{MODEL}")
    select = ("build", "--select", MODEL)
    runs, comparisons = [], []

    header, latest = read_rows(files[-1])
    write_rows(folder / next_month_name(files[-1].name), header, [new_order(header, latest, every_key)])
    before = partition_files(location)
    land_and_export()
    runs += [build_duckdb(select), build_spark(select)]
    after_new = partition_files(location)
    comparisons.append(_named(compare(SCHEMA, MODEL), f"{MODEL} (a new month's file landed)"))
    comparisons.append(_partitions(f"{MODEL}: partitions written on Spark for a new month's file",
                                   before, after_new, expected_changes(before, after_new, set())))

    header, earliest = read_rows(files[0])
    held = partitions_holding(spark, keys_of(files[0]))
    write_rows(files[0], header, with_first_total_corrected(header, earliest))
    land_and_export()
    runs += [build_duckdb(select), build_spark(select)]
    after_resent = partition_files(location)
    comparisons.append(_named(compare(SCHEMA, MODEL), f"{MODEL} (a month's file sent again, corrected)"))
    comparisons.append(_partitions(f"{MODEL}: partitions written on Spark for a corrected file",
                                   after_new, after_resent, expected_changes(after_new, after_resent, held)))

    runs.append(build_duckdb((*select, "--full-refresh")))
    comparisons.append(_named(compare(SCHEMA, MODEL), f"{MODEL} (incremental on Spark, full refresh on DuckDB)"))
    return runs, comparisons


def _named(comparison: TableComparison, name: str) -> TableComparison:
    return TableComparison(name, comparison.rows, comparison.differences, comparison.missing_columns)


def _partitions(name: str, before: PartitionFiles, after: PartitionFiles, expected: dict[str, str]) -> TableComparison:
    return TableComparison(
        name, (len(after), len(after)), unexpected_changes(expected, partition_changes(before, after))
    )
