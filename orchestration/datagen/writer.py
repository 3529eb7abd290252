"""Landing files: one snapshot file or one file per month per entity, CSV bytes fully determined
by the data, and the defect manifest rows that point into them.

CSV: UTF-8, a header row, ',' delimiters, '\\n' line ends, an empty field for null, quotes only
around values containing a comma, quote or line break. Rows are joined by Arrow compute kernels
and written straight from the Arrow buffer.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import re
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.contracts import ENTITIES, SOURCES, Entity
from orchestration.datagen.defects import DUPLICATE_ROW, LATE_ARRIVING, CellDefect, DefectPlan, is_in_sorted
from orchestration.datagen.render import render_table
from orchestration.datagen.shards import shifted
from orchestration.datagen.spill import SpilledTable, Table, release
from orchestration.datagen.tables import EntityTable
from orchestration.datagen.timeline import month_label

MANIFEST_DIR = "_manifest"
MANIFEST_COLUMNS = (
    "entity",
    "source",
    "file",
    "row_number",
    "key",
    "defect_type",
    "column",
    "injected_value",
)
CHUNK_ROWS = 250_000
SCAN_BYTES = 256 * 1024
TOKEN_CHARS = 12  # of a generation's work dir names, `<landing>.new-<token>`
_NEEDS_QUOTES = '[,"\\n\\r]'
_SPECIAL_BYTES = (b",", b'"', b"\n", b"\r")  # the bytes _NEEDS_QUOTES matches


@dataclass(frozen=True)
class WrittenFile:
    entity: str
    path: str  # relative to the output directory, forward slashes
    rows: int
    sha256: str
    bytes: int


@dataclass(frozen=True, slots=True)  # hundreds of thousands of them at scale 5, each file's until it closes
class DefectRecord:
    entity: str
    source: str
    file: str
    row_number: int
    key: str
    defect_type: str
    column: str
    injected_value: str

    def as_row(self) -> tuple[str, ...]:
        return (
            self.entity,
            self.source,
            self.file,
            str(self.row_number),
            self.key,
            self.defect_type,
            self.column,
            self.injected_value,
        )


def is_dataset_entry(name: str) -> bool:
    """What a generation writes at the top of the landing dir (the rest is somebody else's)."""
    return name in SOURCES or name == MANIFEST_DIR


def work_dir_name(out_name: str, stage: str, token: str) -> str:
    """A generation's sibling of the landing dir: `new` (being written) or `old` (being replaced)."""
    return f"{out_name}.{stage}-{token}"


def is_leftover(name: str, out_name: str) -> bool:
    """A sibling a generation made and did not remove (it crashed or was killed)."""
    return re.fullmatch(re.escape(out_name) + rf"\.(new|old)-[0-9a-f]{{{TOKEN_CHARS}}}", name) is not None


def _move_foreign(source: Path, target: Path) -> None:
    """Move what a generation does not write from `source` to `target`, unless it is there already."""
    for entry in source.iterdir():
        if not is_dataset_entry(entry.name) and not (target / entry.name).exists():
            target.mkdir(parents=True, exist_ok=True)
            entry.rename(target / entry.name)


def _clean_up_after_crashes(out_dir: Path) -> None:
    if not out_dir.parent.is_dir():
        return
    for path in out_dir.parent.iterdir():
        if is_leftover(path.name, out_dir.name) and path.is_dir() and not path.is_symlink():
            _move_foreign(path, out_dir)  # a generation killed mid-swap had moved them there
            shutil.rmtree(path)


@contextlib.contextmanager
def replacing_dataset(out_dir: Path) -> Iterator[Path]:
    """A fresh sibling dir to write the whole dataset into, swapped in for `out_dir` only when the
    block completes: readers see the previous dataset or the new one, never a part of either.

    The swap moves the entries a generation does not write over to the new dir, renames the current
    dir aside and the new one into place (renames within one parent dir: atomic), then deletes the
    old one. When the block raises, its dir is removed and `out_dir` is as it was. A process killed
    mid-write leaves its dir behind; the next generation removes it. Two generations into one dir at
    once must be kept apart by the caller (the pipeline lock)."""
    out_dir = out_dir.resolve()  # a symlinked landing dir: swap its target, keep the link
    _clean_up_after_crashes(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:TOKEN_CHARS]
    work_dir = out_dir.with_name(work_dir_name(out_dir.name, "new", token))
    work_dir.mkdir()
    try:
        yield work_dir
    except BaseException:
        shutil.rmtree(work_dir, ignore_errors=True)
        raise
    aside = out_dir.with_name(work_dir_name(out_dir.name, "old", token))
    if out_dir.exists():
        _move_foreign(out_dir, work_dir)
        out_dir.rename(aside)
    work_dir.rename(out_dir)
    # the new dataset is in place: what cannot be deleted now goes with the next generation's clean-up
    shutil.rmtree(aside, ignore_errors=True)


def relative_path(entity: Entity, label: str) -> str:
    return f"{entity.source}/{entity.name}/{entity.name}_{label}.csv"


def _value_bytes(text: pa.Array) -> memoryview:
    """The bytes of a string array's values, end to end, from its data buffer (no copy)."""
    offsets_buffer, data = text.buffers()[1:3]
    if data is None or len(text) == 0:
        return memoryview(b"")
    width = np.int64 if pa.types.is_large_string(text.type) else np.int32
    offsets = np.frombuffer(offsets_buffer, dtype=width)[text.offset : text.offset + len(text) + 1]
    return memoryview(data)[offsets[0] : offsets[-1]]


def _may_need_quotes(values: memoryview) -> bool:
    """Whether the bytes hold a byte _NEEDS_QUOTES matches: searched at memchr speed in copies of
    SCAN_BYTES (small enough to reuse the heap's memory, see generator.MMAP_THRESHOLD_BYTES)."""
    for start in range(0, len(values), SCAN_BYTES):
        piece = bytes(values[start : start + SCAN_BYTES])
        if any(special in piece for special in _SPECIAL_BYTES):
            return True
    return False


def quote_if_needed(text: pa.Array) -> pa.Array:
    # Most columns have no value to quote: a byte search of all their values says so ~100x
    # faster than matching the regex value by value. Null slots' bytes, if any, can only send a
    # column to the exact check below.
    if not _may_need_quotes(_value_bytes(text)):
        return text
    needs = pc.fill_null(pc.match_substring_regex(text, _NEEDS_QUOTES), False)
    if not pc.any(needs).as_py():
        return text
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
    return pc.if_else(needs, quoted, text)


def csv_lines(columns: list[pa.Array]) -> Iterator[memoryview]:
    """The CSV bytes of rows of text columns (no header), CHUNK_ROWS rows at a time."""
    n = len(columns[0]) if columns else 0
    for start in range(0, n, CHUNK_ROWS):
        part = [c.slice(start, CHUNK_ROWS) for c in columns]
        # The line end joined to the last column first: one join of the whole rows, not two.
        last = pc.binary_join_element_wise(part[-1], "", "\n", null_handling="replace", null_replacement="")
        yield _value_bytes(
            pc.binary_join_element_wise(*part[:-1], last, ",", null_handling="replace", null_replacement="")
        )


class CsvFile:
    """A CSV file written a block of rows at a time, its sha256 and size kept as it grows: a
    file can take rows from several tables (the shards' rows of a month) in turn."""

    def __init__(self, path: Path, header: Iterable[str]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = path.open("wb")
        self._digest = hashlib.sha256()
        self.size = 0
        self._write([(",".join(header) + "\n").encode()])

    def _write(self, chunks: Iterable[bytes | memoryview]) -> None:
        for chunk in chunks:
            self._digest.update(chunk)
            self._handle.write(chunk)
            self.size += len(chunk)

    def write(self, blocks: Iterable[list[pa.Array]]) -> None:
        """The rows of each block of text columns; only one block is held at a time."""
        # chain.from_iterable renders a block when its lines are due (unpacking `*map(...)` into
        # chain's arguments would render every block before the first is written)
        self._write(itertools.chain.from_iterable(map(csv_lines, blocks)))

    def close(self) -> str:
        """Close the file; its sha256."""
        self._handle.close()
        return self._digest.hexdigest()


def _file_groups(table: Table, plan: DefectPlan, month: np.ndarray | None) -> Iterable[tuple[int | None, np.ndarray]]:
    """(month or None, table rows in file order): on-time rows first, then rows arriving late."""
    if isinstance(table, SpilledTable):
        return _spilled_file_groups(table, plan)
    n = table.n_rows
    if month is None:
        return [(None, np.arange(n))]
    file_month = month.copy()
    file_month[plan.late] = plan.late_month
    is_late = np.zeros(n, dtype=bool)
    is_late[plan.late] = True
    order = np.lexsort((is_late, file_month))
    months, starts = np.unique(file_month[order], return_index=True)
    ends = np.r_[starts[1:], n]
    return [(int(m), order[s:e]) for m, s, e in zip(months, starts, ends, strict=True)]


def _spilled_file_groups(table: SpilledTable, plan: DefectPlan) -> Iterator[tuple[int | None, np.ndarray]]:
    """As `_file_groups`, from month bounds (a spilled table's rows are in month order), a month
    at a time: no per-row array of the whole table. Late rows only go to months with rows, so
    every file is a month's."""
    for index, month in enumerate(table.months.tolist()):
        first, stop = int(table.bounds[index]), int(table.bounds[index + 1])
        on_time = np.ones(stop - first, dtype=bool)
        on_time[plan.late[(plan.late >= first) & (plan.late < stop)] - first] = False
        arriving = np.sort(plan.late[plan.late_month == month])
        yield month, np.r_[first + np.flatnonzero(on_time), arriving]


def _replaced(text: pa.Array, changes: list[tuple[int, str | None]]) -> pa.Array:
    """The text with the values at the given positions (ascending, distinct) replaced: slices
    joined around the few changed cells, ~5x faster than pc.replace_with_mask, which makes a
    mask and a selection over the whole chunk."""
    pieces, previous = [], 0
    for position, value in changes:
        pieces += [text.slice(previous, position - previous), pa.array([value], type=pa.string())]
        previous = position + 1
    pieces.append(text.slice(previous))
    return pa.concat_arrays(pieces)


class Rows(Protocol):
    """What rows are rendered from: a table, or a shard's table with its ids numbered across shards."""

    @property
    def entity(self) -> Entity: ...

    def take(self, rows: np.ndarray) -> EntityTable: ...


@dataclass(frozen=True)
class ShardRows:
    """A shard's table whose rows come out with the shard's id bases added."""

    table: Table
    shifts: dict[str, int]

    @property
    def entity(self) -> Entity:
        return self.table.entity

    def take(self, rows: np.ndarray) -> EntityTable:
        return shifted(self.table.take(rows), self.shifts)


def _rendered_blocks(table: Rows, rows: np.ndarray, cells: dict[int, CellDefect]) -> Iterator[list[pa.Array]]:
    """The rows rendered CHUNK_ROWS at a time, cell defects written in, quoted where needed."""
    entity = table.entity
    text_columns = {c.name for c in entity.columns if c.type == "text"}
    cell_rows = np.array(sorted(cells), dtype=np.int64)
    for start in range(0, len(rows), CHUNK_ROWS):
        part = rows[start : start + CHUNK_ROWS]
        rendered = render_table(table.take(part))
        touched: dict[str, list[tuple[int, str | None]]] = {}
        for position in np.flatnonzero(is_in_sorted(part, cell_rows)).tolist():
            cell = cells[int(part[position])]
            touched.setdefault(cell.column, []).append((position, cell.value))
        for name, changes in touched.items():
            rendered[name] = _replaced(rendered[name], sorted(changes))
        yield [
            quote_if_needed(rendered[c.name]) if c.name in text_columns or c.name in touched else rendered[c.name]
            for c in entity.columns
        ]


# A defect among rows written: (position in its file, index in those rows, defect type, column,
# injected value).
Found = tuple[int, int, str, str, str]


def _keyed(table: Rows, rows: np.ndarray, found: list[Found], relative: str) -> list[tuple[int, DefectRecord]]:
    """The manifest rows of the defects found among `rows`, with their positions in the file. Keys
    are never given a defect and a copy has its row's key: they render from the clean rows."""
    if not found:
        return []
    entity = table.entity
    keys = render_table(table.take(rows[[f[1] for f in found]]))
    return [
        (
            position,
            DefectRecord(
                entity.name,
                entity.source,
                relative,
                position + 1,
                "|".join(str(keys[k][index].as_py()) for k in entity.key),
                defect_type,
                column,
                value,
            ),
        )
        for index, (position, _, defect_type, column, value) in enumerate(found)
    ]


@dataclass
class _EntityFile:
    relative: str
    csv: CsvFile
    rows: int = 0
    copies: list[tuple[Table, Rows, np.ndarray]] = field(default_factory=list)  # written at the end
    records: list[tuple[int, DefectRecord]] = field(default_factory=list)  # (position, record)


class EntityFiles:
    """Every file of one entity, written from one table or from each shard's table in turn (a
    month's file takes every shard's rows of that month, then the duplicate copies at its end),
    rendered CHUNK_ROWS rows at a time; and the manifest rows that point into them."""

    def __init__(self, entity: Entity, out_dir: Path, end_date: date) -> None:
        self.entity, self.out_dir, self.end_date = entity, out_dir, end_date
        self._files: dict[str, _EntityFile] = {}

    def _file(self, file_month: int | None) -> _EntityFile:
        label = self.end_date.isoformat() if file_month is None else month_label(file_month)
        if label not in self._files:
            relative = relative_path(self.entity, label)
            self._files[label] = _EntityFile(relative, CsvFile(self.out_dir / relative, self.entity.column_names))
        return self._files[label]

    def add(self, table: Table, plan: DefectPlan, month: np.ndarray | None, shifts: dict[str, int]) -> None:
        """Write a table's rows (on-time rows, then those arriving late) into their files."""
        rows_of: Rows = ShardRows(table, shifts) if shifts else table
        cells = {c.row: c for c in plan.cells}
        cell_rows = np.array(sorted(cells), dtype=np.int64)
        late = np.sort(plan.late)
        duplicates = np.sort(plan.duplicates)  # looked up file by file: no mask of the whole table
        for file_month, rows in _file_groups(table, plan, month):
            file = self._file(file_month)
            file.csv.write(_rendered_blocks(rows_of, rows, cells))
            found: list[Found] = []
            for index in np.flatnonzero(is_in_sorted(rows, cell_rows)).tolist():
                cell = cells[int(rows[index])]
                value = "" if cell.value is None else cell.value
                found.append((file.rows + index, index, cell.defect_type, cell.column, value))
            for index in np.flatnonzero(is_in_sorted(rows, late)).tolist():
                found.append((file.rows + index, index, LATE_ARRIVING, "", ""))
            file.records += _keyed(rows_of, rows, found, file.relative)
            file.rows += len(rows)
            file.copies.append((table, rows_of, rows[is_in_sorted(rows, duplicates)]))
            release(table)  # a stashed table's pages of this file's rows

    def close(self, on_file: Callable[[str, int], None] | None = None) -> tuple[list[WrittenFile], list[DefectRecord]]:
        """Write each file's duplicate copies at its end and close it; the files in name order."""
        files: list[WrittenFile] = []
        records: list[DefectRecord] = []
        for label in sorted(self._files):
            file = self._files[label]
            for table, rows_of, copies in file.copies:
                file.csv.write(_rendered_blocks(rows_of, copies, {}))
                found = [(file.rows + index, index, DUPLICATE_ROW, "", "") for index in range(len(copies))]
                file.records += _keyed(rows_of, copies, found, file.relative)
                file.rows += len(copies)
                release(table)  # the pages the copies' rows were read from
            digest = file.csv.close()
            files.append(WrittenFile(self.entity.name, file.relative, file.rows, digest, file.csv.size))
            records += [record for _, record in sorted(file.records, key=lambda r: r[0])]
            if on_file:
                on_file(file.relative, file.rows)
        return files, records


class DefectLog:
    """`_manifest/defects.csv`, one row per defect, written an entity's rows at a time as its files
    are written (not all held to the end), and the count per entity."""

    def __init__(self, out_dir: Path) -> None:
        self._csv = CsvFile(out_dir / MANIFEST_DIR / "defects.csv", MANIFEST_COLUMNS)
        self.counts: dict[str, int] = {}

    def add(self, records: list[DefectRecord]) -> None:
        if not records:
            return
        rows = [r.as_row() for r in records]
        columns = [pa.array([row[i] for row in rows], type=pa.string()) for i in range(len(MANIFEST_COLUMNS))]
        self._csv.write([[quote_if_needed(column) for column in columns]])
        for record in records:
            self.counts[record.entity] = self.counts.get(record.entity, 0) + 1

    def close(self) -> None:
        self._csv.close()


def write_manifest(
    out_dir: Path,
    parameters: dict[str, object],
    window: dict[str, str],
    files: list[WrittenFile],
    defect_counts: dict[str, int],
    clean_rows: dict[str, int],
) -> None:
    """`_manifest/generation.json`: what was written (`DefectLog` writes `_manifest/defects.csv`)."""
    manifest = out_dir / MANIFEST_DIR
    entities = {}
    for entity in ENTITIES:
        mine = [f for f in files if f.entity == entity.name]
        entities[entity.name] = {
            "source": entity.source,
            "layout": entity.layout,
            "rows": sum(f.rows for f in mine),
            "clean_rows": clean_rows[entity.name],
            "defects": defect_counts.get(entity.name, 0),
            "files": len(mine),
        }
    document = {
        "generator": "orchestration.datagen",
        "parameters": parameters,
        "window": window,
        "entities": entities,
        "files": [
            {"path": f.path, "entity": f.entity, "rows": f.rows, "bytes": f.bytes, "sha256": f.sha256}
            for f in files
        ],
    }
    (manifest / "generation.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
