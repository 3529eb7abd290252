"""Typed, columnar entity tables as the generators build them, before rendering to text.

Column values by contract type: integer -> int64; decimal -> int64 cents; double -> float64
(NaN = null); timestamp -> int64 UTC epoch milliseconds; date -> int64 days since epoch;
boolean -> bool; text -> Categorical, a fixed-width bytes array (S<n>) or a pyarrow string array.
Nulls of integer, timestamp and date columns are given by a boolean mask in `nulls`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from orchestration.contracts import Entity
from orchestration.contracts import entity as contract_entity


@dataclass(frozen=True)
class Categorical:
    """Low-cardinality text as codes into labels; code -1 is null."""

    codes: np.ndarray
    labels: tuple[str, ...]

    @classmethod
    def of(cls, labels: tuple[str, ...] | list[str], codes: np.ndarray) -> Categorical:
        return cls(np.asarray(codes, dtype=np.int32), tuple(labels))

    @classmethod
    def constant(cls, label: str, size: int) -> Categorical:
        return cls(np.zeros(size, dtype=np.int32), (label,))

    def take(self, rows: np.ndarray) -> Categorical:
        return Categorical(self.codes[rows], self.labels)

    def __len__(self) -> int:
        return len(self.codes)


ColumnData = np.ndarray | Categorical | pa.Array


def fixed_width_text(values: np.ndarray) -> pa.Array:
    """A fixed-width bytes array (dtype S<n>) as an Arrow string array, without copying the bytes
    (unless they reach 2 GiB, past 32-bit offsets: then copied by the cast)."""
    width = values.dtype.itemsize
    small = (len(values) + 1) * width <= np.iinfo(np.int32).max
    offsets = np.arange(0, (len(values) + 1) * width, width, dtype=np.int32 if small else np.int64)
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(values))]
    if small:
        return pa.Array.from_buffers(pa.string(), len(values), buffers)
    return pa.Array.from_buffers(pa.large_string(), len(values), buffers).cast(pa.string())


def take_column(values: ColumnData, rows: np.ndarray) -> ColumnData:
    if isinstance(values, pa.Array):
        return values.take(pa.array(rows))
    return values.take(rows) if isinstance(values, Categorical) else values[rows]


@dataclass
class EntityTable:
    entity: Entity
    columns: dict[str, ColumnData]
    nulls: dict[str, np.ndarray] = field(default_factory=dict)
    # Local UTC offsets (seconds) of timestamp columns written in the person's local time.
    local_offsets: dict[str, np.ndarray] = field(default_factory=dict)
    # Rows other rows' values depend on (beyond contract references): never given a cell defect.
    protected: np.ndarray | None = None

    @classmethod
    def build(cls, name: str, columns: dict[str, ColumnData], **extra: object) -> EntityTable:
        entity = contract_entity(name)
        missing = [c for c in entity.column_names if c not in columns]
        unknown = [c for c in columns if c not in entity.column_names]
        if missing or unknown:
            raise ValueError(f"{name}: missing columns {missing}, unknown columns {unknown}")
        lengths = {c: len(v) for c, v in columns.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(f"{name}: columns of different lengths {lengths}")
        ordered = {c: columns[c] for c in entity.column_names}
        return cls(entity, ordered, **extra)  # type: ignore[arg-type]

    @property
    def name(self) -> str:
        return self.entity.name

    @property
    def n_rows(self) -> int:
        return len(next(iter(self.columns.values())))

    def null_mask(self, column: str) -> np.ndarray:
        mask = self.nulls.get(column)
        return mask if mask is not None else np.zeros(self.n_rows, dtype=bool)

    def take(self, rows: np.ndarray) -> EntityTable:
        return EntityTable(
            self.entity,
            {c: take_column(v, rows) for c, v in self.columns.items()},
            {c: m[rows] for c, m in self.nulls.items()},
            {c: o[rows] for c, o in self.local_offsets.items()},
            None if self.protected is None else self.protected[rows],
        )


Keep = Callable[[EntityTable], EntityTable]


def in_memory(table: EntityTable) -> EntityTable:
    """A builder's `keep` by default: the complete table as it is (the generator stashes it instead)."""
    return table
