"""The column-name rule: which names read from a file may become SQL identifiers; and text as a SQL
string literal.

A column name from a file (a CSV header, a source mapping) becomes an identifier in SQL (raw
tables, dbt models, GX suites, serving): only names that need no quoting at all get that far.
"""

from __future__ import annotations

import re

SAFE_COLUMN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,62}")
COLUMN_NAME_RULE = "letters, digits and underscores only, starting with a letter, at most 63 characters"
SHOWN_NAME_CHARS = 40  # a refused name is echoed this far: enough to find it, not a copy of the file


def shown(name: str) -> str:
    """A column name as quoted in a message: repr, cut to SHOWN_NAME_CHARS."""
    if len(name) > SHOWN_NAME_CHARS:
        return repr(name[:SHOWN_NAME_CHARS]) + f"... ({len(name)} characters)"
    return repr(name)


def unsafe_column_name(name: str) -> str | None:
    """Why a column name may not reach the warehouse, or None when it is safe."""
    if name.startswith("_"):
        return (
            "starts with '_', which is reserved for the lineage columns landing adds "
            "(_loaded_at, _source_file, _batch_id, _row_number)"
        )
    if not SAFE_COLUMN_NAME.fullmatch(name):
        return f"breaks the column-name rule: {COLUMN_NAME_RULE}"
    return None


def sql_string(text: str) -> str:
    """`text` as a SQL string literal (single quotes doubled): data, never SQL."""
    return "'" + text.replace("'", "''") + "'"
