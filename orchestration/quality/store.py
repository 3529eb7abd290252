"""The `audit` schema: validation results, scores per run, and snapshots for consistency checks."""

from __future__ import annotations

import duckdb

from orchestration.quality.definitions import KPI_CATALOG, MARTS_SCHEMA
from orchestration.quality.standards import ResultRow, scores

DDL = (
    "create schema if not exists audit",
    """
    create table if not exists audit.dq_results (
        run_id varchar not null,
        suite varchar not null,
        expectation varchar not null,
        standard varchar not null,
        table_name varchar,
        observed_value varchar,
        success boolean not null,
        severity varchar not null,
        validated_at timestamp not null
    )""",
    """
    create table if not exists audit.dq_scores (
        run_id varchar not null,
        standard varchar not null,  -- a standard, or 'overall'
        expectations integer not null,
        met integer not null,
        score double not null,      -- share of expectations met, 0-1
        validated_at timestamp not null
    )""",
    """
    create table if not exists audit.schema_snapshots (
        run_id varchar not null,
        captured_at timestamp not null,
        kind varchar not null,      -- 'column' or 'kpi_catalog'
        table_name varchar,
        column_name varchar,
        data_type varchar,
        definition_hash varchar
    )""",
)


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    for statement in DDL:
        con.execute(statement)


def record(con: duckdb.DuckDBPyConnection, run_id: str, rows: list[ResultRow]) -> None:
    prepare(con)
    validated_at = rows[0].validated_at if rows else None
    con.execute("begin")
    con.executemany(
        "insert into audit.dq_results values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                r.run_id,
                r.suite,
                r.expectation,
                r.standard,
                r.table_name,
                r.observed_value,
                r.success,
                r.severity,
                r.validated_at,
            )
            for r in rows
        ],
    )
    con.executemany(
        "insert into audit.dq_scores values (?, ?, ?, ?, ?, ?)",
        [(run_id, s.standard, s.expectations, s.met, s.score, validated_at) for s in scores(rows)],
    )
    con.execute(
        f"""
        insert into audit.schema_snapshots
        select ?, now()::timestamp, 'column', table_name, column_name, data_type, null
        from information_schema.columns where table_schema = '{MARTS_SCHEMA}'
        """,
        [run_id],
    )
    has_catalog = con.execute(
        "select count(*) from information_schema.tables "
        f"where table_schema = '{MARTS_SCHEMA}' and table_name = '{KPI_CATALOG}'"
    ).fetchone()[0]
    if has_catalog:
        con.execute(
            f"""
            insert into audit.schema_snapshots
            select ?, now()::timestamp, 'kpi_catalog', '{KPI_CATALOG}', null, null,
                md5(string_agg(cast(k as varchar), '|' order by cast(k as varchar)))
            from {MARTS_SCHEMA}.{KPI_CATALOG} as k
            """,
            [run_id],
        )
    con.execute("commit")
