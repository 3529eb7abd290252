"""Where things live: every path the pipeline uses, from the environment with `make run`'s defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# The last dbt layer (relative to the project): built after validation, as its data-quality KPI
# reads the validation's score.
SCORECARD_MODELS = "models/scorecard"


def _path_from_env(variable: str, default: str) -> Path:
    """An explicit setting is taken relative to the working directory, the default to the project."""
    value = os.environ.get(variable)
    if value:
        return Path(value).expanduser().resolve()
    return PROJECT_DIR / default


@dataclass(frozen=True)
class Settings:
    warehouse_path: Path
    landing_dir: Path
    # What readers see: the published copy of the marts (BI tools, dashboards), its Parquet export,
    # and the executive reports.
    serving_path: Path = PROJECT_DIR / "data/serving.duckdb"
    export_dir: Path = PROJECT_DIR / "data/export"
    reports_dir: Path = PROJECT_DIR / "data/reports"
    # The source mappings (one YAML per source system); the project's describe the generated data.
    mapping_dir: Path = PROJECT_DIR / "mappings"

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            warehouse_path=_path_from_env("WAREHOUSE_PATH", "data/warehouse.duckdb"),
            landing_dir=_path_from_env("LANDING_DIR", "data/landing"),
            serving_path=_path_from_env("SERVING_PATH", "data/serving.duckdb"),
            export_dir=_path_from_env("EXPORT_DIR", "data/export"),
            reports_dir=_path_from_env("REPORTS_DIR", "data/reports"),
            mapping_dir=_path_from_env("MAPPING_DIR", "mappings"),
        )
