"""Monthly tables too big to hold in memory (sessions, lesson activity): their typed rows are
appended to one scratch file per month as they are generated, sorted once the table is complete,
and read back a block of rows at a time to plan defects and write the landing files.

A spilled table's rows are in the order the in-memory table would have: by partition instant,
ties in generation order, so row numbers, ids and defects are those of the whole table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from orchestration.contracts import Entity
from orchestration.contracts import entity as contract_entity
from orchestration.datagen.tables import ColumnData, EntityTable
from orchestration.datagen.timeline import month_index

# Records (in final order) and their row numbers -> one column (or null mask) of those rows.
ColumnOf = Callable[[np.ndarray, np.ndarray], ColumnData]
Fill = Callable[[np.ndarray, int], None]
BLOCK_ROWS = 500_000  # rows read or generated at a time


def blocks(n: int, size: int | None = None) -> Iterator[tuple[int, int]]:
    """(start, stop) of consecutive blocks covering range(n), of BLOCK_ROWS rows unless given."""
    size = size or BLOCK_ROWS
    for start in range(0, n, size):
        yield start, min(start + size, n)


@dataclass(frozen=True)
class Layout:
    """How records become a spilled table's rows, column by column: one column can be read
    (a reference, to mark its parent rows) without making the others (ids are costly)."""

    columns: dict[str, ColumnOf]
    nulls: dict[str, ColumnOf]
    protected: ColumnOf  # rows never given a cell defect

    def table(self, name: str, records: np.ndarray, rows: np.ndarray) -> EntityTable:
        return EntityTable.build(
            name,
            {c: column(records, rows) for c, column in self.columns.items()},
            nulls={c: mask(records, rows) for c, mask in self.nulls.items()},
            protected=self.protected(records, rows),
        )


@dataclass
class MonthSpill:
    """Records appended to one file per month, in arrival order."""

    directory: Path
    dtype: np.dtype
    key: str  # the record field holding the partition instant (epoch ms)

    def __post_init__(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.counts: dict[int, int] = {}

    def path(self, month: int) -> Path:
        return self.directory / f"{month}.bin"

    def append(self, records: np.ndarray) -> None:
        month = month_index(records[self.key])
        order = np.argsort(month, kind="stable")  # keeps arrival order within a month
        months, starts = np.unique(month[order], return_index=True)
        for value, start, stop in zip(months.tolist(), starts, np.r_[starts[1:], len(order)], strict=True):
            with self.path(value).open("ab") as handle:
                records[order[start:stop]].tofile(handle)
            self.counts[value] = self.counts.get(value, 0) + int(stop - start)

    def sort(self, *tie_breaks: str, fill: Fill | None = None) -> Iterator[tuple[int, np.ndarray]]:
        """Sort every month's file by instant (ties by `tie_breaks`, then arrival) in place, months
        in order, `fill(records, first row)` completing what depends on the final order; yields
        (month, its records in final order) for the caller to read what it needs."""
        first = 0
        for month in sorted(self.counts):
            records = np.fromfile(self.path(month), dtype=self.dtype)
            keys = [records[field] for field in reversed(tie_breaks)]
            records = records[np.lexsort([*keys, records[self.key]])]
            if fill is not None:
                fill(records, first)
            records.tofile(self.path(month))
            first += len(records)
            yield month, records

    def table(self, name: str, layout: Layout, protected: np.ndarray) -> SpilledTable:
        months = np.array(sorted(self.counts), dtype=np.int64)
        counts = np.array([self.counts[m] for m in months.tolist()], dtype=np.int64)
        files = [self.path(m) for m in months.tolist()]
        bounds = np.r_[0, np.cumsum(counts)]
        return SpilledTable(contract_entity(name), months, bounds, files, self.dtype, self.key, layout, protected)


@dataclass
class SpilledTable:
    """A monthly entity table on disk: one file of records per month with rows, in final order."""

    entity: Entity
    months: np.ndarray  # months with rows, ascending (year * 12 + month - 1)
    bounds: np.ndarray  # first row of each month, then the row count
    files: list[Path]
    dtype: np.dtype
    key: str  # the record field holding the partition instant
    layout: Layout
    protected: np.ndarray  # per row: never given a cell defect
    holder: object = None  # what keeps the files' directory alive, if anything

    @property
    def name(self) -> str:
        return self.entity.name

    @property
    def n_rows(self) -> int:
        return int(self.bounds[-1])

    def month_of_rows(self) -> np.ndarray:
        """Per row, its month; int16 (year * 12 + month stays below 2**15 until the year 2730)."""
        return np.repeat(self.months.astype(np.int16), np.diff(self.bounds))

    def _records(self, index: int, rows: np.ndarray | slice) -> np.ndarray:
        mapped = np.memmap(self.files[index], dtype=self.dtype, mode="r")
        try:
            return np.array(mapped[rows])
        finally:
            del mapped  # unmapped: its pages stop counting towards this process's memory

    def take(self, rows: np.ndarray) -> EntityTable:
        """The given rows, in the given order, as an in-memory table."""
        rows = np.asarray(rows, dtype=np.int64)
        month = np.searchsorted(self.bounds, rows, side="right") - 1
        order = np.argsort(month, kind="stable")
        parts = [self.layout.table(self.name, np.zeros(0, self.dtype), rows)] if len(rows) == 0 else []
        for index in np.unique(month).tolist():
            mine = rows[order][month[order] == index]
            parts.append(self.layout.table(self.name, self._records(index, mine - self.bounds[index]), mine))
        return EntityTable.concat(parts).take(np.argsort(order, kind="stable"))

    def partition_values(self, index: int) -> np.ndarray:
        """The partition instants of the index-th month's rows."""
        return self._records(index, slice(None))[self.key].copy()  # a view would hold every field

    def _blocks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(records, their row numbers), a block of rows at a time, in order."""
        for index in range(len(self.months)):
            first = int(self.bounds[index])
            for start, stop in blocks(int(self.bounds[index + 1]) - first):
                yield self._records(index, slice(start, stop)), np.arange(first + start, first + stop)

    def row_blocks(self) -> Iterator[EntityTable]:
        """Every row, a block of rows at a time, in order."""
        for records, rows in self._blocks():
            yield self.layout.table(self.name, records, rows)

    def column_blocks(self, column: str) -> Iterator[tuple[ColumnData, np.ndarray]]:
        """(values, null mask) of one column, a block of rows at a time, in order."""
        for records, rows in self._blocks():
            mask = self.layout.nulls.get(column)
            nulls = np.zeros(len(rows), dtype=bool) if mask is None else mask(records, rows)
            yield self.layout.columns[column](records, rows), nulls

Table = EntityTable | SpilledTable
