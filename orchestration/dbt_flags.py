"""How every dbt call is told which warehouse to build: a `--vars` flag, never the environment.

profiles.yml reads the warehouse path from the `warehouse_path` var (falling back to
WAREHOUSE_PATH, then `make run`'s default, for a dbt typed by hand). The in-process runner
(`orchestration.dbt_runner`) and Dagster's dbt CLI resource (`orchestration.defs.dbt`) pass the
warehouse of their own Settings on the command line, so two builds in one process (the test suite
runs dozens) never see each other's paths and nothing changes `os.environ` for dbt.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import yaml

from orchestration.settings import Settings

WAREHOUSE_VAR = "warehouse_path"
VARS_FLAG = "--vars"


def warehouse_vars(settings: Settings) -> dict[str, str]:
    """The dbt vars that point a dbt call at the warehouse of `settings`, with its DuckDB limits
    (memory_limit, threads, temp_directory: orchestration.duckdb_connect)."""
    from orchestration.duckdb_connect import dbt_vars, ensure_temp_root

    ensure_temp_root(settings)  # DuckDB creates the temp directory, not its parents
    return {WAREHOUSE_VAR: str(settings.warehouse_path), **dbt_vars(settings)}


def given_vars(args: Sequence[str]) -> str | None:
    """The value of the `--vars` flag in `args`, if any."""
    for flag, value in zip(args, args[1:], strict=False):
        if flag == VARS_FLAG:
            return value
    return None


def with_vars(args: Sequence[str], extra: Mapping[str, str]) -> list[str]:
    """`args` with `extra` merged into their `--vars` (dbt reads a single `--vars`: a second one
    would replace the first, so the caller's own vars are kept beside the warehouse)."""
    given = given_vars(args)
    if given is None:
        return [*args, VARS_FLAG, json.dumps(dict(extra))]
    merged = {**(yaml.safe_load(given) or {}), **extra}
    position = list(args).index(VARS_FLAG) + 1
    return [*args[:position], json.dumps(merged), *args[position + 1 :]]


def for_warehouse(args: Sequence[str], settings: Settings) -> list[str]:
    """dbt `args` aimed at the warehouse of `settings`."""
    return with_vars(args, warehouse_vars(settings))
