"""Make GX Core 1.x evaluate expectations on DuckDB (duckdb-engine) instead of erroring.

The problem: GX 1.x has no DuckDB data source, so the warehouse is a generic SQL data source
(`duckdb:///<path>` through duckdb-engine). Out of the box every expectation then ends in
`IndexError: list index out of range` (GX issues #10738 and #11579): GX opens a SQLAlchemy
connection per query inside `with engine.connect()`, leaves the block (returning the connection
to the pool) and only then fetches the rows; duckdb-engine's result does not survive that.

The fix: GX already keeps one persisted connection for dialects whose temporary tables or
cursors are bound to a connection (SQLite, SQL Server, BigQuery, Databricks), listed in
`sqlalchemy_execution_engine._PERSISTED_CONNECTION_DIALECTS`. Adding `duckdb` to that list makes
GX reuse one open connection, and results are fetched while it is still open.

GX reads the module-level tuple at call time (`get_connection`, `_dialect_requires_persisted_
connection`), so replacing it once per process is enough. The entries are compared two ways:
`dialect_name in tuple` (a lower-case string) and `connection_string.startswith(entry.value)`,
so the entry is a `str` with a `.value`. Remove this module when GX ships a DuckDB engine.
tests/test_quality_compat.py proves the fix: a known-bad expectation fails and a known-good one
passes, so a state where every expectation silently errors cannot pass.
"""

from __future__ import annotations


class _DialectName(str):
    """A dialect name that quacks like GX's `GXSqlDialect` enum member (it has `.value`)."""

    @property
    def value(self) -> str:
        return str(self)


DUCKDB = _DialectName("duckdb")


def register_duckdb_dialect() -> None:
    """Idempotent: make GX keep one persisted connection for `duckdb` engines."""
    from great_expectations.execution_engine import sqlalchemy_execution_engine as engine_module

    current = engine_module._PERSISTED_CONNECTION_DIALECTS
    if any(getattr(d, "value", d) == "duckdb" for d in current):
        return
    engine_module._PERSISTED_CONNECTION_DIALECTS = (*current, DUCKDB)


def is_registered() -> bool:
    from great_expectations.execution_engine import sqlalchemy_execution_engine as engine_module

    return any(getattr(d, "value", d) == "duckdb" for d in engine_module._PERSISTED_CONNECTION_DIALECTS)
