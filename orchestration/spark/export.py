"""The sources as Parquet for Spark: every table of the source schemas (raw, audit) of a DuckDB
warehouse, one folder per table, `<out>/<schema>/<table>/part-0.parquet`, and the listing
`<out>/exported_sources.txt` the on-run-start hook registers (macros/spark/register_sources.sql)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from orchestration.duckdb_connect import connect
from orchestration.identifiers import sql_string

SOURCE_SCHEMAS = ("raw", "audit")
# not `_`-prefixed: Spark skips such files as hidden
LISTING = "exported_sources.txt"
# a folder and an identifier on Spark: the catalog's names, checked all the same
SAFE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")


def export_sources(warehouse: Path, out: Path, schemas: tuple[str, ...] = SOURCE_SCHEMAS) -> list[str]:
    """Write the Parquet folders and the listing; return the `<schema>/<table>` names written.
    `out` is emptied first, so a table gone from the warehouse is gone from Spark too."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    written: list[str] = []
    with connect(warehouse, read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in (select unnest(?)) and table_type = 'BASE TABLE' order by 1, 2",
            [list(schemas)],
        ).fetchall()
        for schema, table in tables:
            if not (SAFE_NAME.fullmatch(schema) and SAFE_NAME.fullmatch(table)):
                raise ValueError(f"{warehouse}: table {schema}.{table!r} has a name Spark cannot be given")
            folder = out / schema / table
            folder.mkdir(parents=True)
            con.execute(
                f'copy (select * from "{schema}"."{table}") to {sql_string(str(folder / "part-0.parquet"))} '
                "(format parquet)"
            )
            written.append(f"{schema}/{table}")
    (out / LISTING).write_text("".join(name + "\n" for name in written))
    return written
