"""Decide whether a landing file can be read as its entity at all: pure functions over its header.

A file is refused whole only when it cannot be read as its entity (wrong delimiter, a missing
column, an unsafe column name). Bad values, however many, are the rows' problem: they are landed
as they arrived and quarantined by staging row by row with a reason.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from orchestration.identifiers import shown, unsafe_column_name
from orchestration.mapping import EntityMapping

OTHER_DELIMITERS = (";", "\t", "|")


class FileRejected(Exception):
    """The file cannot be landed; the message names the problem for the ledger and the operator."""


@dataclass(frozen=True)
class HeaderCheck:
    columns: tuple[str, ...]
    new_columns: tuple[str, ...]  # beyond the contract: kept in raw as schema drift


def check_header(header_line: str, mapping: EntityMapping) -> HeaderCheck:
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
    contract_of = mapping.contract_of
    missing = [c for c in mapping.expected_columns if c not in stripped]
    if missing:
        unknown = [c for c in stripped if c not in contract_of]
        detail = f"; it has unknown column(s) {', '.join(unknown)}" if unknown else ""
        named = [c if contract_of[c] == c else f"{c} ({contract_of[c]})" for c in missing]
        raise FileRejected(
            f"header does not match the {mapping.entity.name} contract: missing column(s) "
            f"{', '.join(named)}{detail}"
        )
    new_columns = tuple(c for c in stripped if c not in contract_of)
    return HeaderCheck(stripped, new_columns)
