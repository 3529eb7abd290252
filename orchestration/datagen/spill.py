"""Monthly tables too big to hold in memory (sessions, lesson activity): their typed rows are
appended to one scratch file per day as they are generated, sorted a day at a time into one file
per month once the table is complete, and read back a block of rows at a time to plan defects and
write the landing files.

A spilled table's rows are in the order the in-memory table would have: by partition instant,
ties in generation order, so row numbers, ids and defects are those of the whole table.
"""

from __future__ import annotations

import mmap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from orchestration.contracts import Entity
from orchestration.contracts import entity as contract_entity
from orchestration.datagen.tables import Categorical, ColumnData, EntityTable
from orchestration.datagen.timeline import MS_PER_DAY, month_index

# Records (in final order) and their row numbers -> one column (or null mask) of those rows.
ColumnOf = Callable[[np.ndarray, np.ndarray], ColumnData]
Fill = Callable[[np.ndarray, int], None]
BLOCK_ROWS = 500_000  # rows read or generated at a time


def as_bytes(records: np.ndarray) -> np.ndarray:
    """Contiguous records viewed as opaque fixed-size items: numpy gathers and scatters those with
    a copy per item, 5-7x faster than a structured dtype, which it copies field by field."""
    return records.view(np.dtype((np.void, records.dtype.itemsize)))


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
    """Records appended to one file per day, in arrival order: sorting holds a day's records, not
    a month's (which grows with the scale)."""

    directory: Path
    dtype: np.dtype
    key: str  # the record field holding the partition instant (epoch ms)

    def __post_init__(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.counts: dict[int, int] = {}  # rows per month
        self._days: dict[int, set[int]] = {}  # days with rows, per month

    @property
    def n_rows(self) -> int:
        return sum(self.counts.values())

    def path(self, month: int) -> Path:
        return self.directory / f"{month}.bin"

    def _day_path(self, day: int) -> Path:
        return self.directory / f"day-{day}.bin"

    def append(self, records: np.ndarray) -> None:
        if len(records) == 0:
            return
        day = np.floor_divide(records[self.key], MS_PER_DAY)
        # A stable sort keeps arrival order within a day; numpy's is a radix sort on 16-bit keys.
        since = day - day.min()
        order = np.argsort(since.astype(np.uint16) if since.max() < 1 << 16 else since, kind="stable")
        day = day[order]
        starts = np.r_[0, np.flatnonzero(np.diff(day)) + 1]
        days = day[starts]
        items = as_bytes(records)
        months = month_index(days * MS_PER_DAY).tolist()
        for value, month, start, stop in zip(days.tolist(), months, starts, np.r_[starts[1:], len(order)], strict=True):
            with self._day_path(value).open("ab") as handle:
                handle.write(items[order[start:stop]])
            self.counts[month] = self.counts.get(month, 0) + int(stop - start)
            self._days.setdefault(month, set()).add(value)

    def sort(self, *tie_breaks: str, fill: Fill | None = None) -> Iterator[tuple[int, np.ndarray]]:
        """Sort the records by instant (ties by `tie_breaks`, then arrival) into one file per month,
        a day at a time in order (an instant's day is within its month), `fill(records, first row)`
        completing what depends on the final order; yields (month, a day's records in final order)
        for the caller to read what it needs."""
        first = 0
        for month in sorted(self.counts):
            with self.path(month).open("wb") as handle:
                for day in sorted(self._days[month]):
                    records = np.fromfile(self._day_path(day), dtype=self.dtype)
                    keys = [records[field] for field in reversed(tie_breaks)]
                    records = as_bytes(records)[np.lexsort([*keys, records[self.key]])].view(self.dtype)
                    if fill is not None:
                        fill(records, first)
                    records.tofile(handle)
                    self._day_path(day).unlink()
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
    first_id_row: int = 0  # the ids a layout makes from row numbers start here (shards.py)

    @property
    def name(self) -> str:
        return self.entity.name

    @property
    def n_rows(self) -> int:
        return int(self.bounds[-1])

    def month_of_rows(self) -> np.ndarray:
        """Per row, its month; int16 (year * 12 + month stays below 2**15 until the year 2730)."""
        return np.repeat(self.months.astype(np.int16), np.diff(self.bounds))

    def _read(self, index: int, start: int, stop: int) -> np.ndarray:
        """Records start..stop-1 of the index-th month's file. Plain reads, not a memory map: the
        pages a map's reads touch (and those the kernel maps around them) would count towards this
        process's memory until it is unmapped, up to a whole month's file."""
        size = self.dtype.itemsize
        return np.fromfile(self.files[index], dtype=self.dtype, count=stop - start, offset=start * size)

    def _records(self, index: int, rows: np.ndarray) -> np.ndarray:
        """The index-th month's records at `rows` (in any order), read straight into place a run
        of consecutive rows at a time: a file's rows are mostly such runs (a few late or defect
        rows apart), and no block is read only to pick some of its records."""
        order = None if (np.diff(rows) >= 0).all() else np.argsort(rows, kind="stable")
        wanted = rows if order is None else rows[order]
        breaks = np.flatnonzero(np.diff(wanted) != 1) + 1
        size = self.dtype.itemsize
        found = np.empty(len(rows), dtype=self.dtype)
        raw = found.view(np.uint8)
        with self.files[index].open("rb") as handle:
            for start, stop in zip(np.r_[0, breaks].tolist(), np.r_[breaks, len(rows)].tolist(), strict=True):
                handle.seek(int(wanted[start]) * size)
                if handle.readinto(raw[start * size : stop * size]) != (stop - start) * size:
                    raise EOFError(f"{self.files[index]}: rows from {wanted[start]} not all there")
        if order is None:
            return found
        records = np.empty(len(rows), dtype=self.dtype)
        as_bytes(records)[order] = as_bytes(found)
        return records

    def take(self, rows: np.ndarray) -> EntityTable:
        """The given rows, in the given order, as an in-memory table (a layout's columns are
        row-wise functions of the records, so the records are gathered first)."""
        rows = np.asarray(rows, dtype=np.int64)
        month = np.searchsorted(self.bounds, rows, side="right") - 1
        months = np.unique(month).tolist()
        if len(months) == 1:
            records = self._records(months[0], rows - self.bounds[months[0]])
        else:
            records = np.empty(len(rows), dtype=self.dtype)
            for index in months:
                mine = np.flatnonzero(month == index)
                as_bytes(records)[mine] = as_bytes(self._records(index, rows[mine] - self.bounds[index]))
        return self.layout.table(self.name, records, rows + self.first_id_row)

    def partition_values(self, index: int) -> np.ndarray:
        """The partition instants of the index-th month's rows, read a block of rows at a time."""
        n = int(self.bounds[index + 1] - self.bounds[index])
        return np.concatenate([self._read(index, start, stop)[self.key] for start, stop in blocks(n)])

    def _blocks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(records, the row numbers their ids are made from), a block of rows at a time, in order."""
        for index in range(len(self.months)):
            first = int(self.bounds[index])
            for start, stop in blocks(int(self.bounds[index + 1]) - first):
                yield self._read(index, start, stop), self.first_id_row + np.arange(first + start, first + stop)

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


def _stashed(array: np.ndarray, path: Path) -> np.ndarray:
    if isinstance(array, np.memmap):  # stashed already (rewriting its file would pull it from under the map)
        return array
    np.save(path, array)
    return np.load(path, mmap_mode="r")


def stash_protected(table: SpilledTable, directory: Path) -> SpilledTable:
    """A spilled table with its mask of protected rows (a byte a row) in a file, as `stash` does."""
    directory.mkdir(parents=True, exist_ok=True)
    table.protected = _stashed(table.protected, directory / f"{table.name}.protected.npy")
    return table


def stash(table: EntityTable, directory: Path) -> EntityTable:
    """The table with its arrays written to files under `directory` and mapped back read-only: a
    per-order or per-enrollment table waiting to be written no longer holds memory of its own
    while the later tables are built (its pages are read back as its columns are used, and being
    file pages they can be dropped again)."""
    directory.mkdir(parents=True, exist_ok=True)

    def kept(field: str, name: str, values: ColumnData) -> ColumnData:
        path = directory / f"{table.name}.{field}.{name}.npy"
        if isinstance(values, Categorical):
            return Categorical(_stashed(values.codes, path), values.labels)
        return _stashed(values, path) if isinstance(values, np.ndarray) else values

    return EntityTable(
        table.entity,
        {c: kept("column", c, v) for c, v in table.columns.items()},
        {c: _stashed(m, directory / f"{table.name}.null.{c}.npy") for c, m in table.nulls.items()},
        {c: _stashed(o, directory / f"{table.name}.offset.{c}.npy") for c, o in table.local_offsets.items()},
        None if table.protected is None else _stashed(table.protected, directory / f"{table.name}.protected.npy"),
    )


def release(table: EntityTable | SpilledTable) -> None:
    """Drop the pages of a stashed table's files read so far from this process's memory: mapped
    file pages count towards it until unmapped, so every column read (references, partition
    values, rows written) would stay resident as long as the table. Read again, they come back
    from the page cache. Nothing to do for other tables."""
    if isinstance(table, SpilledTable):
        arrays = [table.protected]
    else:
        columns = [v.codes if isinstance(v, Categorical) else v for v in table.columns.values()]
        arrays = [*columns, *table.nulls.values(), *table.local_offsets.values(), table.protected]
    for array in arrays:
        if isinstance(array, np.memmap) and isinstance(array.base, mmap.mmap):
            array.base.madvise(mmap.MADV_DONTNEED)


Table = EntityTable | SpilledTable
