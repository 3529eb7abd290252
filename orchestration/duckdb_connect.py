"""Every DuckDB connection the project opens, with bounded memory.

`connect` opens the warehouse, the serving file or an in-memory database (publish, reports,
dashboards, landing, Great Expectations, Dagster) and applies `duckdb_config(settings)`: DuckDB's
`memory_limit`, `threads` and `temp_directory` from Settings (DUCKDB_MEMORY_LIMIT, DUCKDB_THREADS,
DUCKDB_TEMP_DIRECTORY). dbt gets the same values through its profile (`dbt_vars`, passed by
orchestration.dbt_flags). Past the memory limit DuckDB spills joins, aggregates and sorts to the
temporary directory instead of growing.

Three DuckDB behaviours (1.5.6, measured) shape this module:
- Two processes spilling into one temp_directory crash (segfault): each database instance spills
  into its own subdirectory of the temp root (`pid-<pid>-<n>`, n counting this process's
  connections, as two in-memory instances of one process would collide the same way; dbt's:
  `dbt-<warehouse hash>`, one writer per warehouse). DuckDB removes a temp directory it created
  when it closes, so they do not pile up; it does not create missing parents, so the root is
  created here.
- DuckDB keeps one database instance per file per process and refuses a second connection whose
  `config` differs from the open instance's. The limits are therefore applied with SET after
  connecting, never as `duckdb.connect(config=...)`.
- DuckDB refuses to switch temp_directory once it has spilled, even to the same value: an
  instance that already spills keeps its directory (a later connection's SET is dropped).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
from dataclasses import replace
from pathlib import Path

import duckdb

from orchestration.settings import Settings

MEMORY_LIMIT_VAR = "duckdb_memory_limit"
THREADS_VAR = "duckdb_threads"
TEMP_DIRECTORY_VAR = "duckdb_temp_directory"


_instances = itertools.count(1)


def process_temp_directory(settings: Settings, pid: int | None = None, instance: int = 0) -> Path:
    """A spill directory under the temp root that no other process or instance uses."""
    return settings.duckdb_temp_root / f"pid-{os.getpid() if pid is None else pid}-{instance}"


def dbt_temp_directory(settings: Settings) -> Path:
    """dbt's spill directory: stable per warehouse (a var that changed every run would make dbt
    parse the whole project again), and a warehouse has one writer at a time."""
    digest = hashlib.sha1(str(settings.warehouse_path).encode()).hexdigest()[:8]
    return settings.duckdb_temp_root / f"dbt-{digest}"


def duckdb_config(settings: Settings, temp_directory: Path | None = None) -> dict[str, str]:
    """The DuckDB settings of `settings`, as SET statements and dbt-duckdb take them."""
    return {
        "memory_limit": settings.duckdb_memory_limit,
        "threads": str(settings.duckdb_threads),
        "temp_directory": str(temp_directory or process_temp_directory(settings)),
    }


def dbt_vars(settings: Settings) -> dict[str, str]:
    """The vars profiles.yml reads (memory_limit and threads as dbt-duckdb `settings`,
    temp_directory as `config_options`: dbt-duckdb SETs its settings on every cursor, and DuckDB
    refuses a second SET temp_directory once it has spilled)."""
    config = duckdb_config(settings, dbt_temp_directory(settings))
    return {
        MEMORY_LIMIT_VAR: config["memory_limit"],
        THREADS_VAR: config["threads"],
        TEMP_DIRECTORY_VAR: config["temp_directory"],
    }


def ensure_temp_root(settings: Settings) -> None:
    settings.duckdb_temp_root.mkdir(parents=True, exist_ok=True)


def apply_limits(con: duckdb.DuckDBPyConnection, settings: Settings) -> duckdb.DuckDBPyConnection:
    """SET the limits of `settings` on `con`'s database instance; returns `con`."""
    config = duckdb_config(settings, process_temp_directory(settings, instance=next(_instances)))
    con.execute(f"set memory_limit = '{config['memory_limit']}'")  # validated by Settings
    con.execute(f"set threads = {int(config['threads'])}")
    ensure_temp_root(settings)
    # an instance that has spilled already keeps its directory (DuckDB refuses the switch)
    with contextlib.suppress(duckdb.NotImplementedException):
        con.execute("set temp_directory = '" + config["temp_directory"].replace("'", "''") + "'")
    return con


def engine_config(database: Path) -> dict[str, str]:
    """The limits as `duckdb.connect(config=...)` takes them, for a library that opens its own
    instance of `database` (Great Expectations through duckdb-engine); creates the temp root."""
    settings = _settings_for(Path(database))
    ensure_temp_root(settings)
    return duckdb_config(settings, process_temp_directory(settings, instance=next(_instances)))


def _settings_for(database: Path | None) -> Settings:
    """The environment's settings; the temp root follows `database` when it is a file and no
    DUCKDB_TEMP_DIRECTORY is set."""
    settings = Settings.from_env()
    if database is not None and settings.duckdb_temp_directory is None:
        settings = replace(settings, warehouse_path=database.resolve())
    return settings


def connect(
    database: str | Path = ":memory:", *, read_only: bool = False, settings: Settings | None = None
) -> duckdb.DuckDBPyConnection:
    """`duckdb.connect` with the limits of `settings` (from the environment when not given; the
    temp root follows `database` when it is a file and no DUCKDB_TEMP_DIRECTORY is set)."""
    if settings is None:
        settings = _settings_for(None if str(database) == ":memory:" else Path(database))
    con = duckdb.connect(str(database), read_only=read_only)
    try:
        return apply_limits(con, settings)
    except BaseException:
        con.close()
        raise

