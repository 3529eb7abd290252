"""Two builds of one table compared row by row, whatever engine made them.

Both sides are DuckDB relations (the Spark side read through Arrow). Types are normalized first:
every number is a double, every timestamp a naive UTC timestamp, text stays text. Rows are then
sorted on the normalized values (doubles rounded for the sort only) and compared in order: exact
for everything but doubles, which may differ by `REL_TOLERANCE` of the larger (engines sum in
different orders).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

REL_TOLERANCE = 1e-9
ABS_TOLERANCE = 1e-12  # two zeros computed differently (0.1 + 0.2 - 0.3)
SHOWN_DIFFERENCES = 5
SIGNED_NUMBERS = ("DECIMAL", "DOUBLE", "FLOAT", "REAL", "HUGEINT", "BIGINT", "INTEGER", "SMALLINT", "TINYINT")
NUMERIC_PREFIXES = SIGNED_NUMBERS + tuple("U" + name for name in SIGNED_NUMBERS[4:])
# the start of the dbt invocation that wrote a row: two builds differ there by construction
RUN_STAMP_COLUMNS = ("_written_at",)


@dataclass(frozen=True)
class TableComparison:
    table: str
    rows: tuple[int, int]  # (first, second)
    differences: tuple[str, ...]
    missing_columns: tuple[str, ...] = ()

    @property
    def equal(self) -> bool:
        return not self.differences and not self.missing_columns and self.rows[0] == self.rows[1]


def normalized_expression(column: str, duckdb_type: str) -> str:
    """The column as compared: numbers as doubles, timestamps (with or without a zone) as naive
    UTC, booleans and dates as they are, anything else as text."""
    quoted = '"' + column.replace('"', '""') + '"'
    kind = duckdb_type.upper()
    if kind.startswith("TIMESTAMP"):
        if "TIME ZONE" in kind:
            return f"timezone('UTC', {quoted})"
        return f"cast({quoted} as timestamp)"
    if kind.startswith(NUMERIC_PREFIXES):
        return f"cast({quoted} as double)"
    if kind in ("BOOLEAN", "DATE"):
        return quoted
    return f"cast({quoted} as varchar)"


def values_equal(first: Any, second: Any) -> bool:
    if first is None or second is None:
        return first is None and second is None
    if isinstance(first, float) and isinstance(second, float):
        if math.isnan(first) or math.isnan(second):
            return math.isnan(first) and math.isnan(second)
        return math.isclose(first, second, rel_tol=REL_TOLERANCE, abs_tol=ABS_TOLERANCE)
    return bool(first == second)


def row_differences(
    columns: Sequence[str], first_rows: Sequence[Sequence[Any]], second_rows: Sequence[Sequence[Any]]
) -> list[str]:
    """The sorted rows of both sides compared in order: one message per differing row, naming
    the row's position, the columns that differ and both values."""
    found: list[str] = []
    for position, (first, second) in enumerate(zip(first_rows, second_rows, strict=False), start=1):
        unequal = [
            f"{name}: {a!r} <> {b!r}"
            for name, a, b in zip(columns, first, second, strict=True)
            if not values_equal(a, b)
        ]
        if unequal:
            found.append(f"row {position}: " + "; ".join(unequal))
    return found


def compare_relations(con: duckdb.DuckDBPyConnection, table: str, first: str, second: str) -> TableComparison:
    """`first` and `second` (relations readable on `con`, e.g. `marts.x` and a view over the
    other engine's Arrow) compared on the first's columns, the run stamps aside."""
    first_types = dict(con.execute(f"select column_name, column_type from (describe {first})").fetchall())
    second_types = {
        name.lower(): kind
        for name, kind in con.execute(f"select column_name, column_type from (describe {second})").fetchall()
    }
    columns = [c for c in first_types if c.lower() not in RUN_STAMP_COLUMNS]
    missing = tuple(c for c in columns if c.lower() not in second_types)
    if missing:
        return TableComparison(table, (0, 0), (), missing)
    rows = []
    for relation, types in ((first, first_types), (second, {c: second_types[c.lower()] for c in columns})):
        projection = ", ".join(normalized_expression(c, types[c]) + f" as c{i}" for i, c in enumerate(columns))
        order = ", ".join(
            f"round(c{i}, 6)" if normalized_expression(c, types[c]).endswith("as double)") else f"c{i}"
            for i, c in enumerate(columns)
        )
        rows.append(
            con.execute(f"select * from (select {projection} from {relation}) order by {order} nulls first").fetchall()
        )
    differences = row_differences(columns, rows[0], rows[1])
    return TableComparison(table, (len(rows[0]), len(rows[1])), tuple(differences[:SHOWN_DIFFERENCES]))
