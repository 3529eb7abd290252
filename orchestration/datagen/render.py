"""Typed columns to the text each source system exports.

Timestamps: marketplace, billing and marketing write ISO 8601 with a UTC offset (the buyer's local
offset where the table carries one, `+00:00` otherwise); learning writes UTC with milliseconds and
`Z`; web analytics writes `YYYY-MM-DD HH:MM:SS` in UTC. Decimals have exactly two decimals,
booleans are `true`/`false`, doubles their shortest round-trip form. Text is built as fixed-width
bytes where it can be, which is an order of magnitude faster than strftime.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.contracts import Column
from orchestration.datagen.tables import Categorical, ColumnData, EntityTable, fixed_width_text
from orchestration.datagen.timeline import MS_PER_DAY, civil_from_days

TIMESTAMP_STYLE = {
    "marketplace": "offset",
    "billing": "offset",
    "marketing": "offset",
    "learning": "utc_millis",
    "web_analytics": "utc_space",
    "support": "utc_space",
    "crm": "offset",
    "email": "offset",
    "social": "offset",
    "community": "utc_millis",
    "experimentation": "utc_space",
    "manual": "offset",
}
_TWO = np.array([f"{i:02d}".encode() for i in range(100)], dtype="S2")
_THREE = np.array([f"{i:03d}".encode() for i in range(1000)], dtype="S3")
_YEARS = np.array([f"{i:04d}".encode() for i in range(10_000)], dtype="S4")


def _compose(parts: list[np.ndarray | bytes], n: int) -> np.ndarray:
    """Concatenate fixed-width byte columns and literals row by row into one S<width> array."""
    fields = []
    for index, part in enumerate(parts):
        width = len(part) if isinstance(part, bytes) else part.dtype.itemsize
        fields.append((f"f{index}", f"S{width}"))
    out = np.empty(n, dtype=np.dtype(fields))
    for index, part in enumerate(parts):
        out[f"f{index}"] = part
    return out.view(f"S{out.dtype.itemsize}")


def _clock() -> np.ndarray:
    """HH:MM:SS (S8) of every second of a day, looked up rather than composed for each row."""
    second = np.arange(86_400)
    return _compose([_TWO[second // 3600], b":", _TWO[second // 60 % 60], b":", _TWO[second % 60]], len(second))


_CLOCK = _clock()


def _civil_dates(days: np.ndarray) -> np.ndarray:
    year, month, day = civil_from_days(days)
    return _compose([_YEARS[year], b"-", _TWO[month], b"-", _TWO[day]], len(days))


def format_dates(days: np.ndarray) -> np.ndarray:
    """YYYY-MM-DD (S10). A chunk's rows mostly fall within a few weeks: when their span of days
    is shorter than the rows, each day of it is formatted once and looked up."""
    first, last = (int(days.min()), int(days.max())) if len(days) else (0, -1)
    if last - first >= len(days):
        return _civil_dates(days)
    return _civil_dates(np.arange(first, last + 1))[days - first]


def format_timestamps(ms: np.ndarray, style: str, offset_s: np.ndarray | None = None) -> np.ndarray:
    """Instants as fixed-width text in a source's style (see the module docstring)."""
    n = len(ms)
    shifted = ms if offset_s is None else ms + offset_s * 1000
    days = np.floor_divide(shifted, MS_PER_DAY)
    in_day = shifted - days * MS_PER_DAY
    date, clock = format_dates(days), _CLOCK[in_day // 1000]
    if style == "utc_millis":
        return _compose([date, b"T", clock, b".", _THREE[in_day % 1000], b"Z"], n)
    if style == "utc_space":
        return _compose([date, b" ", clock], n)
    if offset_s is None:
        return _compose([date, b"T", clock, b"+00:00"], n)
    sign = np.where(offset_s < 0, b"-", b"+").astype("S1")
    minutes = np.abs(offset_s) // 60
    return _compose([date, b"T", clock, sign, _TWO[minutes // 60], b":", _TWO[minutes % 60]], n)


def format_cents(cents: np.ndarray) -> pa.Array:
    """Amounts in cents as text with exactly two decimals (e.g. 1999 -> '19.99', -5 -> '-0.05')."""
    sign = np.where(cents < 0, "-", "")
    magnitude = np.abs(cents)
    whole = pa.array(magnitude // 100).cast(pa.string())
    fraction = fixed_width_text(_TWO[magnitude % 100])
    text = pc.binary_join_element_wise(whole, fraction, ".")
    if np.any(cents < 0):
        text = pc.binary_join_element_wise(pa.array(sign), text, "")
    return text


def _with_nulls(text: pa.Array, nulls: np.ndarray | None) -> pa.Array:
    if nulls is None or not nulls.any():
        return text
    return pc.if_else(pa.array(nulls), pa.nulls(len(text), pa.string()), text)


def render_values(
    column: Column,
    values: ColumnData,
    source: str,
    nulls: np.ndarray | None = None,
    offset_s: np.ndarray | None = None,
) -> pa.Array:
    """One typed column as the source's text (null where the value is null)."""
    if isinstance(values, pa.Array):
        return _with_nulls(values.cast(pa.string()), nulls)
    if isinstance(values, Categorical):
        codes = pa.array(values.codes, mask=values.codes < 0)
        return pa.DictionaryArray.from_arrays(codes, pa.array(list(values.labels) or [""], pa.string())).cast(
            pa.string()
        )
    if column.type == "text":
        return _with_nulls(fixed_width_text(values), nulls)
    if column.type in ("integer", "key"):  # the generator's keys are whole numbers
        return _with_nulls(pa.array(values, type=pa.int64()).cast(pa.string()), nulls)
    if column.type == "decimal":
        return _with_nulls(format_cents(values), nulls)
    if column.type == "double":
        return pa.array(values, type=pa.float64(), from_pandas=True).cast(pa.string())
    if column.type == "boolean":
        return pa.array(values, type=pa.bool_()).cast(pa.string())
    if column.type == "date":
        return _with_nulls(fixed_width_text(format_dates(values)), nulls)
    if column.type == "timestamp":
        return _with_nulls(
            fixed_width_text(format_timestamps(values, TIMESTAMP_STYLE[source], offset_s)), nulls
        )
    raise ValueError(f"no rendering for contract type {column.type!r} of {column.name}")


def render_table(table: EntityTable) -> dict[str, pa.Array]:
    """Every contract column of the table as text, in contract order."""
    return {
        column.name: render_values(
            column,
            table.columns[column.name],
            table.entity.source,
            table.nulls.get(column.name),
            table.local_offsets.get(column.name),
        )
        for column in table.entity.columns
    }
