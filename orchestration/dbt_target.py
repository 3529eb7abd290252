"""Which dbt target Dagster builds on: `DBT_TARGET`, an output of profiles.yml (`dev`, DuckDB, by
default; `spark` for the same project on Spark, docs/scaling.md).

The engine (the output's `type`) decides what else runs: on DuckDB everything; on Spark the
sources are exported as Parquet before the staging layer, and the assets that read the DuckDB
warehouse's marts (Great Expectations checks, alerts, the published copy, the reports) are left
out, as that warehouse does not hold what Spark built.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from orchestration.settings import PROJECT_DIR

DEFAULT_TARGET = "dev"
PROFILE = "elearning_kpi"


@dataclass(frozen=True)
class DbtTarget:
    name: str
    engine: str  # the output's dbt adapter type: duckdb, spark

    @property
    def on_duckdb(self) -> bool:
        return self.engine == "duckdb"


def profile_outputs(profiles: Mapping) -> dict[str, str]:
    """output name -> adapter type of the project's profile in a parsed profiles.yml."""
    outputs = (profiles.get(PROFILE) or {}).get("outputs") or {}
    return {name: str(output.get("type")) for name, output in outputs.items()}


def resolve_target(requested: str | None, outputs: Mapping[str, str]) -> DbtTarget:
    """The target `requested` names (the default when unset or blank); an unknown name is an error
    listing the outputs."""
    name = (requested or "").strip() or DEFAULT_TARGET
    if name not in outputs:
        raise ValueError(f"DBT_TARGET={name!r} is not an output of profiles.yml: choose one of {', '.join(outputs)}")
    return DbtTarget(name, outputs[name])


def dbt_target(
    name: str | None = None, environ: Mapping[str, str] = os.environ, profiles_path: Path = PROJECT_DIR / "profiles.yml"
) -> DbtTarget:
    """The target `name` (a resource's), else the one DBT_TARGET names."""
    requested = name if name is not None else environ.get("DBT_TARGET")
    return resolve_target(requested, profile_outputs(yaml.safe_load(profiles_path.read_text())))


def spark_sources_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the Spark target's on-run-start hook finds the exported sources: SPARK_SOURCES_DIR as
    profiles.yml reads it, relative to the project directory (dbt's working directory)."""
    return PROJECT_DIR / environ.get("SPARK_SOURCES_DIR", "data/spark/sources")
