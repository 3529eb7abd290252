"""Whether the warehouse holds current data or a historical export, as declared by a person.

The timeliness standard (newest data within 24 hours) makes sense only for data that is meant to
be current. A historical export (last year's data, loaded to look at it) is declared with
`make run HISTORICAL=1` (`--historical`): timeliness is then not applicable, is not validated and
is not scored, and every publish says so. The declaration is kept in `audit.data_mode` (one row),
so what is published carries it; a run without the flag declares the data current again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

CURRENT, HISTORICAL = "current", "historical"
TIMELINESS_NOT_APPLICABLE = "not applicable: historical export"
DDL = """
create table if not exists audit.data_mode (
    mode varchar not null,           -- 'current' or 'historical'
    declared_at timestamp not null   -- UTC
)"""


@dataclass(frozen=True)
class DataMode:
    mode: str
    declared_at: datetime | None

    @property
    def historical(self) -> bool:
        return self.mode == HISTORICAL


def declare(con: duckdb.DuckDBPyConnection, historical: bool) -> DataMode:
    con.execute("create schema if not exists audit")
    con.execute(DDL)
    mode = DataMode(HISTORICAL if historical else CURRENT, datetime.now(UTC).replace(tzinfo=None))
    con.execute("begin")
    con.execute("delete from audit.data_mode")
    con.execute("insert into audit.data_mode values (?, ?)", [mode.mode, mode.declared_at])
    con.execute("commit")
    return mode


def read(con: duckdb.DuckDBPyConnection, catalog: str | None = None) -> DataMode:
    """The declared mode; current when nothing was declared."""
    table = f"{catalog}.audit.data_mode" if catalog else "audit.data_mode"
    try:
        row = con.execute(f"select mode, declared_at from {table} limit 1").fetchone()
    except duckdb.CatalogException:
        row = None
    return DataMode(*row) if row else DataMode(CURRENT, None)
