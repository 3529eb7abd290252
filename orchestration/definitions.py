"""The Dagster code location: everything under `orchestration/defs/`, run in process.

`dg dev` / `dg check defs` find this module through `[tool.dg]` in pyproject.toml. Runs use the
in-process executor: DuckDB allows one writer process per file, and on two cores one process per
step would mostly spend its time starting up.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions.merge(
        dg.load_from_defs_folder(path_within_project=Path(__file__).resolve().parent),
        dg.Definitions(executor=dg.in_process_executor),
    )
