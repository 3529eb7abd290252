"""Which rows get which defect: pure functions of the contract, the typed tables and a seed.

Every defect row carries exactly one defect. Defects that make a row invalid (all but
`duplicate_row` and `late_arriving`) only go to rows no other row points to, through a contract
reference, a consistency rule of the contract (a review points to the enrollment of its student
in its course) or a value that depends on them (a table's `protected` rows), so quarantining
a defect row never orphans or falsifies another row: the manifest is exactly what a validator
catches. Key columns are never touched; a duplicate copies a clean row; a late row is a clean row
written into a later month's file.

How many: round(rate * rows) per entity, and at least one when the rate is positive and the
entity has MIN_ROWS_FOR_A_DEFECT rows or more (smaller tables get round(rate * rows), often 0).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from orchestration.contracts import ENTITIES, Column, Entity, ExistsIn
from orchestration.datagen.render import format_cents
from orchestration.datagen.spill import SpilledTable
from orchestration.datagen.tables import EntityTable

DUPLICATE_ROW = "duplicate_row"
NULL_REQUIRED = "null_required"
INVALID_ENUM = "invalid_enum"
NEGATIVE_AMOUNT = "negative_amount"
ABSURD_AMOUNT = "absurd_amount"
ORPHANED_FK = "orphaned_fk"
MALFORMED_TIMESTAMP = "malformed_timestamp"
LATE_ARRIVING = "late_arriving"
CELL_DEFECTS = (NULL_REQUIRED, INVALID_ENUM, NEGATIVE_AMOUNT, ABSURD_AMOUNT, ORPHANED_FK, MALFORMED_TIMESTAMP)
DEFECT_TYPES = (DUPLICATE_ROW, *CELL_DEFECTS, LATE_ARRIVING)
MIN_ROWS_FOR_A_DEFECT = 200
# The landing step refuses a file whose column is mostly unparseable: keep malformed values to
# files where one bad value is a small share.
MIN_FILE_ROWS_FOR_MALFORMED = 20
MALFORMED_TIMESTAMPS = (
    "2026-02-30T25:61:00",
    "yesterday",
    "31/12/2025 10:00",
    "not a timestamp",
    "2025-13-45 99:99:99",
)
ABSURD_FACTORS = (10, 100, 1000)
NTH_TRUE_BLOCK = 1 << 20
SEARCH_BLOCK = 1 << 18


def defect_count(rate: float, rows: int) -> int:
    count = int(np.floor(rate * rows + 0.5))
    if rate > 0 and rows >= MIN_ROWS_FOR_A_DEFECT:
        count = max(count, 1)
    return min(count, rows)


def defect_columns(entity: Entity) -> dict[str, tuple[Column, ...]]:
    """Non-key columns each cell defect can apply to, by the contract's rules."""
    columns = [c for c in entity.columns if c.name not in entity.key]
    return {
        NULL_REQUIRED: tuple(c for c in columns if c.required),
        INVALID_ENUM: tuple(c for c in columns if c.accepted_values),
        NEGATIVE_AMOUNT: tuple(
            c for c in columns if c.type == "decimal" and c.min_value is not None and c.min_value >= 0
        ),
        ABSURD_AMOUNT: tuple(
            c
            for c in columns
            if c.type in ("integer", "decimal", "double") and c.max_value is not None and not c.references
        ),
        ORPHANED_FK: tuple(c for c in columns if c.references),
        MALFORMED_TIMESTAMP: tuple(c for c in columns if c.type == "timestamp"),
    }


def is_in_sorted(values: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """np.isin(values, keys) for ascending keys: a binary search per value, SEARCH_BLOCK values at
    a time, where np.isin would sort copies of both arrays together (several times their size)."""
    found = np.zeros(len(values), dtype=bool)
    if len(keys) == 0:
        return found
    for start in range(0, len(values), SEARCH_BLOCK):
        part = values[start : start + SEARCH_BLOCK]
        found[start : start + SEARCH_BLOCK] = keys[np.minimum(np.searchsorted(keys, part), len(keys) - 1)] == part
    return found


def _row_keys(parent: list[np.ndarray], child: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """One int64 per row of each side, equal for two rows exactly when all their values are: the
    values' offsets from the lowest one, in mixed radix over the columns' spans."""
    parent_key = np.zeros(len(parent[0]), dtype=np.int64)
    child_key = np.zeros(len(child[0]), dtype=np.int64)
    capacity = 1
    for p, c in zip(parent, child, strict=True):
        low = min(int(p.min(initial=0)), int(c.min(initial=0)))
        span = max(int(p.max(initial=0)), int(c.max(initial=0))) - low + 1
        capacity *= span
        if capacity > np.iinfo(np.int64).max:
            raise OverflowError(f"row keys of {len(parent)} columns need more than 63 bits")
        parent_key = parent_key * span + (p - low)
        child_key = child_key * span + (c - low)
    return parent_key, child_key


def _matched(
    parent: EntityTable, parent_columns: tuple[str, ...], child: EntityTable, columns: tuple[str, ...]
) -> np.ndarray:
    """Mask of parent rows whose `parent_columns` values equal some child row's `columns` values
    (integer columns): a key per row and a binary search, not np.unique by rows or np.isin, which
    sort copies of both tables' values (~130 MB for reviews and enrollments at scale 1.0)."""
    child_present = ~np.any([child.null_mask(c) for c in columns], axis=0)
    parent_keys, child_keys = _row_keys(
        [np.asarray(parent.columns[c]) for c in parent_columns],
        [np.asarray(child.columns[c])[child_present] for c in columns],
    )
    return is_in_sorted(parent_keys, np.unique(child_keys))


def rule_referenced_rows(tables: dict[str, EntityTable]) -> dict[str, np.ndarray]:
    """Per entity, a mask of rows a consistency rule of another entity reads: quarantining one
    would make the other row break the rule (a review whose student's enrollment is gone)."""
    marks: dict[str, np.ndarray] = {}
    for child in ENTITIES:
        if child.name not in tables:
            continue
        for rule in child.consistency_rules:
            if isinstance(rule, ExistsIn):
                pairs = [(rule.entity, rule.entity_columns, rule.columns)]
            else:
                pairs = [(a.entity, (a.key,), (a.via,)) for a in rule.anchors if a.entity and a.key and a.via]
            for parent, parent_columns, columns in pairs:
                if parent not in tables:
                    continue
                matched = _matched(tables[parent], parent_columns, tables[child.name], columns)
                marks[parent] = marks[parent] | matched if parent in marks else matched
    return marks


def _present_values(table: EntityTable | SpilledTable, column: str) -> Iterator[np.ndarray]:
    """A column's non-null values, a block of rows at a time (a spilled table is read from disk)."""
    if isinstance(table, SpilledTable):
        for values, nulls in table.column_blocks(column):
            yield np.asarray(values)[~nulls]
    else:
        yield np.asarray(table.columns[column])[~table.null_mask(column)]


def referenced_rows(tables: dict[str, EntityTable | SpilledTable]) -> dict[str, np.ndarray]:
    """Per parent entity, a mask of rows whose key some child row references (contract references
    and consistency rules)."""
    marks: dict[str, np.ndarray] = {}
    for child in ENTITIES:
        if child.name not in tables:
            continue
        for column in child.columns:
            if not column.references or column.references.split(".")[0] not in tables:
                continue
            parent = column.references.split(".")[0]
            parent_keys = np.asarray(tables[parent].columns[column.references.split(".")[1]])  # type: ignore[union-attr]
            mark = marks.setdefault(parent, np.zeros(int(parent_keys.max(initial=0)) + 2, dtype=bool))
            for values in _present_values(tables[child.name], column.name):
                mark[values[(values >= 0) & (values < len(mark))]] = True
    referenced = {
        parent: mark[np.asarray(tables[parent].columns[tables[parent].entity.key[0]])]  # type: ignore[union-attr]
        for parent, mark in marks.items()
    }
    for parent, mark in rule_referenced_rows(tables).items():  # type: ignore[arg-type]
        referenced[parent] = referenced[parent] | mark if parent in referenced else mark
    return referenced


@dataclass(frozen=True)
class CellDefect:
    row: int
    defect_type: str
    column: str
    value: str | None  # the text written instead; None writes an empty field


@dataclass(frozen=True)
class DefectPlan:
    cells: tuple[CellDefect, ...]
    duplicates: np.ndarray  # rows written a second time, at the end of their file
    late: np.ndarray  # rows written into a later month's file
    late_month: np.ndarray  # that month (year * 12 + month - 1), per late row

    @property
    def count(self) -> int:
        return len(self.cells) + len(self.duplicates) + len(self.late)

    @classmethod
    def empty(cls) -> DefectPlan:
        nothing = np.zeros(0, dtype=np.int64)
        return cls((), nothing, nothing, nothing)


def _cell_value(
    defect_type: str, column: Column, original: object, parent_size: int, rng: np.random.Generator
) -> str | None:
    if defect_type == NULL_REQUIRED:
        return None
    if defect_type == INVALID_ENUM:
        return f"unknown_{column.name}"
    if defect_type == NEGATIVE_AMOUNT:
        cents = int(original) if int(original) > 0 else 999  # type: ignore[call-overload]
        return str(format_cents(np.array([-cents]))[0])
    if defect_type == ABSURD_AMOUNT:
        value = float(column.max_value or 0) * float(rng.choice(ABSURD_FACTORS)) + 1
        if column.type == "decimal":
            return str(format_cents(np.array([round(value * 100)]))[0])
        return str(int(value)) if column.type == "integer" else repr(value)
    if defect_type == ORPHANED_FK:
        return str(parent_size + 1 + int(rng.integers(0, 10 * parent_size + 1000)))
    if defect_type == MALFORMED_TIMESTAMP:
        return str(rng.choice(MALFORMED_TIMESTAMPS))
    raise ValueError(f"not a cell defect: {defect_type}")


def nth_true(mask: np.ndarray, ordinals: np.ndarray) -> np.ndarray:
    """np.flatnonzero(mask)[ordinals], without an index of every True entry (tens of millions)."""
    starts = np.arange(0, len(mask), NTH_TRUE_BLOCK)
    counts = np.array([np.count_nonzero(mask[s : s + NTH_TRUE_BLOCK]) for s in starts], dtype=np.int64)
    before = np.cumsum(counts) - counts
    block = np.searchsorted(before, ordinals, side="right") - 1
    positions = np.empty(len(ordinals), dtype=np.int64)
    for index in np.unique(block).tolist():
        mine = block == index
        inside = np.flatnonzero(mask[starts[index] : starts[index] + NTH_TRUE_BLOCK])
        positions[mine] = starts[index] + inside[ordinals[mine] - before[index]]
    return positions


def _choose(mask: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k of the mask's rows (as many as it has), sorted; the draws of rng.choice(flatnonzero(mask), ...),
    which picks positions in the array it is given and returns what is there."""
    size = int(np.count_nonzero(mask))
    return np.sort(nth_true(mask, rng.choice(size, size=min(k, size), replace=False)))


def _distinct(month: np.ndarray) -> np.ndarray:
    """np.unique(month), a block at a time: a month per row of tens of millions of rows is not
    copied and sorted whole."""
    parts = [np.unique(month[s : s + NTH_TRUE_BLOCK]) for s in range(0, len(month), NTH_TRUE_BLOCK)]
    return np.unique(np.concatenate(parts)) if parts else month[:0]


def _in_big_files(month: np.ndarray) -> np.ndarray:
    """Per row, whether its month's file has MIN_FILE_ROWS_FOR_MALFORMED rows or more. Counted a
    month at a time: bincount and indexing by a small-integer month array would first widen all
    of it to intp, eight bytes a row."""
    big = np.ones(len(month), dtype=bool)
    for value in _distinct(month).tolist():
        rows = month == value
        if np.count_nonzero(rows) < MIN_FILE_ROWS_FOR_MALFORMED:
            big[rows] = False
    return big


def _value(table: EntityTable | SpilledTable, column: str, row: int) -> object:
    if isinstance(table, SpilledTable):
        table, row = table.take(np.array([row])), 0
    values = table.columns[column]
    return values[row] if isinstance(values, np.ndarray) else None


def plan_defects(
    table: EntityTable | SpilledTable,
    rate: float,
    referenced: np.ndarray | None,
    parent_sizes: dict[str, int],
    month: np.ndarray | None,
    late_ok: np.ndarray | None,
    rng: np.random.Generator,
    count: int | None = None,
) -> DefectPlan:
    """Choose defect rows, types, columns and values for one entity.

    month: per row, the month of its partition value (monthly entities), None for snapshots.
    late_ok: rows that may arrive late (their month is unambiguous and not the last one).
    count: how many defects (default: the rate's share of the rows; a shard takes its part of
    the whole entity's).
    """
    n = table.n_rows
    count = defect_count(rate, n) if count is None else min(count, n)
    if count == 0:
        return DefectPlan.empty()
    clean = np.ones(n, dtype=bool)
    if referenced is not None:
        clean &= ~referenced
    if table.protected is not None:
        clean &= ~table.protected
    big_file = _in_big_files(month) if month is not None else np.full(n, n >= MIN_FILE_ROWS_FOR_MALFORMED)
    columns = defect_columns(table.entity)

    def pool(defect_type: str) -> np.ndarray:  # made when needed: a mask per type would be n bytes each
        if defect_type == LATE_ARRIVING:
            return late_ok  # type: ignore[return-value]
        return clean & big_file if defect_type == MALFORMED_TIMESTAMP else clean

    available = [DUPLICATE_ROW] + [t for t in CELL_DEFECTS if columns[t] and pool(t).any()]
    if month is not None and late_ok is not None and late_ok.any():
        available.append(LATE_ARRIVING)
    wanted = rng.choice(available, size=count)

    chosen: dict[str, np.ndarray] = {}

    def unused(mask: np.ndarray) -> np.ndarray:
        """The mask without the rows chosen so far (a copy): the chosen rows are few, where a mask
        of the used rows and its negation would be two more arrays of a byte per row."""
        free = mask.copy()
        for rows in chosen.values():
            free[rows] = False
        return free

    overflow = 0
    for defect_type in available[1:]:  # constrained types first; duplicates take any row left
        k = int(np.sum(wanted == defect_type))
        rows = _choose(unused(pool(defect_type)), k, rng)
        chosen[defect_type] = rows
        overflow += k - len(rows)
    duplicates = _choose(unused(np.ones(n, dtype=bool)), int(np.sum(wanted == DUPLICATE_ROW)) + overflow, rng)

    cells = []
    for defect_type in CELL_DEFECTS:  # defect rows are few: a loop over them is cheap
        for row in chosen.get(defect_type, ()):
            column = columns[defect_type][int(rng.integers(len(columns[defect_type])))]
            original = _value(table, column.name, int(row)) if defect_type == NEGATIVE_AMOUNT else None
            parent = column.references.split(".")[0] if column.references else ""
            cells.append(
                CellDefect(
                    int(row),
                    defect_type,
                    column.name,
                    _cell_value(defect_type, column, original, parent_sizes.get(parent, 0), rng),
                )
            )

    late = chosen.get(LATE_ARRIVING, np.zeros(0, dtype=np.int64))
    late_month = np.zeros(0, dtype=np.int64)
    if len(late) and month is not None:
        months_with_rows = _distinct(month)
        wished = month[late] + rng.integers(1, 4, len(late))
        late_month = months_with_rows[
            np.minimum(np.searchsorted(months_with_rows, wished), len(months_with_rows) - 1)
        ]
    return DefectPlan(tuple(sorted(cells, key=lambda c: c.row)), duplicates, late, late_month)
