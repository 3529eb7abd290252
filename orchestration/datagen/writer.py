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
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.contracts import ENTITIES, SOURCES, Entity
from orchestration.datagen.defects import DUPLICATE_ROW, LATE_ARRIVING, CellDefect, DefectPlan, is_in_sorted
from orchestration.datagen.render import render_table
from orchestration.datagen.spill import SpilledTable, Table, release
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


@dataclass(frozen=True)
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


def write_csv(path: Path, header: Iterable[str], blocks: Iterable[list[pa.Array]]) -> tuple[str, int]:
    """Write the header and the rows of each block of text columns; returns the file's sha256 and size.
    Only one block is held at a time: a caller can render a big file block by block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with path.open("wb") as handle:
        # chain.from_iterable renders a block when its lines are due (unpacking `*map(...)` into
        # chain's arguments would render every block of the file before the first is written)
        lines = itertools.chain.from_iterable(map(csv_lines, blocks))
        for chunk in itertools.chain([(",".join(header) + "\n").encode()], lines):
            digest.update(chunk)
            handle.write(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


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


def _rendered_blocks(
    table: Table, rows: np.ndarray, cells: dict[int, CellDefect]
) -> Iterator[list[pa.Array]]:
    """The file's rows rendered CHUNK_ROWS at a time, cell defects written in, quoted where needed."""
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


def _file_defects(
    table: Table, rows: np.ndarray, copies: np.ndarray, plan: DefectPlan, cells: dict[int, CellDefect], relative: str
) -> list[DefectRecord]:
    """The manifest rows of one file: its cell defects, late rows and duplicate copies (at the end)."""
    entity = table.entity
    found: list[tuple[int, str, str, str]] = []  # position, defect type, column, value
    for position in np.flatnonzero(is_in_sorted(rows, np.array(sorted(cells), dtype=np.int64))).tolist():
        cell = cells[int(rows[position])]
        found.append((position, cell.defect_type, cell.column, "" if cell.value is None else cell.value))
    found += [(int(p), LATE_ARRIVING, "", "") for p in np.flatnonzero(is_in_sorted(rows, np.sort(plan.late)))]
    found += [(len(rows) + index, DUPLICATE_ROW, "", "") for index in range(len(copies))]
    found.sort()
    # Keys are never given a defect and a copy has its row's key: they render from the clean rows.
    positions = np.array([f[0] for f in found], dtype=np.int64)
    keys = render_table(table.take(np.r_[rows, copies][positions])) if found else {}
    return [
        DefectRecord(
            entity.name,
            entity.source,
            relative,
            position + 1,
            "|".join(str(keys[k][index].as_py()) for k in entity.key),
            defect_type,
            column,
            value,
        )
        for index, (position, defect_type, column, value) in enumerate(found)
    ]


def write_entity(
    table: Table,
    plan: DefectPlan,
    month: np.ndarray | None,
    out_dir: Path,
    end_date: date,
    on_file: Callable[[str, int], None] | None = None,
) -> tuple[list[WrittenFile], list[DefectRecord]]:
    """Every file of the entity, rendered CHUNK_ROWS rows at a time, and its manifest rows."""
    entity = table.entity
    cells = {c.row: c for c in plan.cells}
    duplicates = np.sort(plan.duplicates)  # looked up file by file: no mask of the whole table
    files: list[WrittenFile] = []
    records: list[DefectRecord] = []
    for file_month, rows in _file_groups(table, plan, month):
        label = end_date.isoformat() if file_month is None else month_label(file_month)
        relative = relative_path(entity, label)
        copies = rows[is_in_sorted(rows, duplicates)]  # written a second time at the end of the file
        blocks = _rendered_blocks(table, np.r_[rows, copies], cells)
        digest, size = write_csv(out_dir / relative, entity.column_names, blocks)
        total_rows = len(rows) + len(copies)
        files.append(WrittenFile(entity.name, relative, total_rows, digest, size))
        records += _file_defects(table, rows, copies, plan, cells, relative)
        release(table)  # a stashed table's pages of this file's rows
        if on_file:
            on_file(relative, total_rows)
    return files, records


def write_manifest(
    out_dir: Path,
    parameters: dict[str, object],
    window: dict[str, str],
    files: list[WrittenFile],
    records: list[DefectRecord],
    clean_rows: dict[str, int],
) -> None:
    """`_manifest/defects.csv` (one row per defect) and `_manifest/generation.json` (what was written)."""
    manifest = out_dir / MANIFEST_DIR
    columns = [
        quote_if_needed(pa.array([r.as_row()[i] for r in records], type=pa.string()))
        for i in range(len(MANIFEST_COLUMNS))
    ]
    write_csv(manifest / "defects.csv", MANIFEST_COLUMNS, [columns])
    entities = {}
    for entity in ENTITIES:
        mine = [f for f in files if f.entity == entity.name]
        entities[entity.name] = {
            "source": entity.source,
            "layout": entity.layout,
            "rows": sum(f.rows for f in mine),
            "clean_rows": clean_rows[entity.name],
            "defects": sum(1 for r in records if r.entity == entity.name),
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
