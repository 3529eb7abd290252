"""Decide whether a landing file is fit to load at all: pure functions over its header and value counts.

A file is refused whole only when the file itself is wrong (wrong delimiter, missing columns, a
column whose values are mostly of another type). Single bad values are the rows' problem: they are
landed as they arrived and quarantined by staging with a reason.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from orchestration.contracts import Entity

# Above this share of unparseable values the column, not the rows, is wrong (e.g. shifted columns).
WRONG_TYPE_SHARE = 0.5
OTHER_DELIMITERS = (";", "\t", "|")
# A column name from a file becomes an identifier in SQL (raw tables, dbt, GX, serving): only names
# that need no quoting at all get that far. `_` starts the lineage columns landing adds.
SAFE_COLUMN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,62}")
COLUMN_NAME_RULE = "letters, digits and underscores only, starting with a letter, at most 63 characters"
SHOWN_NAME_CHARS = 40  # a refused name is echoed this far: enough to find it, not a copy of the file


class FileRejected(Exception):
    """The file cannot be landed; the message names the problem for the ledger and the operator."""


@dataclass(frozen=True)
class HeaderCheck:
    columns: tuple[str, ...]
    new_columns: tuple[str, ...]  # beyond the contract: kept in raw as schema drift


def check_header(header_line: str, entity: Entity) -> HeaderCheck:
    header_line = header_line.removeprefix("\ufeff")  # the BOM of spreadsheets' "CSV UTF-8"
    if not header_line.strip():
        raise FileRejected("empty file: no header row")
    columns = tuple(next(csv.reader(io.StringIO(header_line))))
    if len(columns) == 1:
        for delimiter in OTHER_DELIMITERS:
            if delimiter in columns[0]:
                raise FileRejected(
                    f"wrong delimiter: the header is {delimiter!r}-separated, expected ','"
                )
    stripped = tuple(c.strip() for c in columns)
    if any(not c for c in stripped):
        raise FileRejected("header has an empty column name")
    for position, name in enumerate(stripped, start=1):
        if (reason := unsafe_column_name(name)) is not None:
            raise FileRejected(f"header column {position} {shown(name)} {reason}")
    duplicated = sorted({c for c in stripped if stripped.count(c) > 1})
    if duplicated:
        raise FileRejected(f"header repeats column(s): {', '.join(duplicated)}")
    by_case: dict[str, list[str]] = {}
    for name in stripped:
        by_case.setdefault(name.lower(), []).append(name)
    case_only = [" and ".join(names) for names in by_case.values() if len(names) > 1]
    if case_only:
        raise FileRejected(
            f"header has column names that differ only in case: {'; '.join(case_only)} "
            "(SQL identifiers ignore case, so they would be one column)"
        )
    missing = [c for c in entity.column_names if c not in stripped]
    if missing:
        unknown = [c for c in stripped if c not in entity.column_names]
        detail = f"; it has unknown column(s) {', '.join(unknown)}" if unknown else ""
        raise FileRejected(
            f"header does not match the {entity.name} contract: missing column(s) "
            f"{', '.join(missing)}{detail}"
        )
    new_columns = tuple(c for c in stripped if c not in entity.column_names)
    return HeaderCheck(stripped, new_columns)


def shown(name: str) -> str:
    """A column name as quoted in a message: repr, cut to SHOWN_NAME_CHARS."""
    if len(name) > SHOWN_NAME_CHARS:
        return repr(name[:SHOWN_NAME_CHARS]) + f"... ({len(name)} characters)"
    return repr(name)


def unsafe_column_name(name: str) -> str | None:
    """Why a column name may not reach the warehouse, or None when it is safe."""
    if name.startswith("_"):
        return "starts with '_', which is reserved for the lineage columns landing adds (_loaded_at, _source_file, _batch_id, _row_number)"
    if not SAFE_COLUMN_NAME.fullmatch(name):
        return f"breaks the column-name rule: {COLUMN_NAME_RULE}"
    return None


@dataclass(frozen=True)
class ColumnTypeCount:
    column: str
    expected_type: str
    non_null: int
    unparseable: int
    example: str | None


def check_column_types(counts: list[ColumnTypeCount]) -> None:
    wrong = [
        c for c in counts if c.non_null and c.unparseable / c.non_null > WRONG_TYPE_SHARE
    ]
    if wrong:
        parts = [
            f"column {c.column!r} should be {c.expected_type} but {c.unparseable} of "
            f"{c.non_null} values are not (e.g. {c.example!r})"
            for c in wrong
        ]
        raise FileRejected("wrong column type: " + "; ".join(parts))
