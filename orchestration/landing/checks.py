"""Decide whether a landing file is fit to load at all: pure functions over its header and value counts.

A file is refused whole only when the file itself is wrong (wrong delimiter, missing columns, a
column whose values are mostly of another type). Single bad values are the rows' problem: they are
landed as they arrived and quarantined by staging with a reason.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from orchestration.contracts import Entity
from orchestration.identifiers import shown, unsafe_column_name

# Above this share of unparseable values the column, not the rows, is wrong (e.g. shifted columns).
WRONG_TYPE_SHARE = 0.5
OTHER_DELIMITERS = (";", "\t", "|")


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
