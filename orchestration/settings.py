"""Where things live: every path the pipeline uses, from the environment with `make run`'s defaults."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
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


# Bounded memory for every process that opens DuckDB (orchestration.duckdb_connect applies them,
# and the dbt profile receives them): a limit any machine running the project has room for, and
# DuckDB spills what does not fit to the temporary directory (by default `<warehouse>.tmp`, beside
# the data, as DuckDB's own default; never a RAM-backed /tmp).
DEFAULT_MEMORY_LIMIT = "4GB"
_MEMORY_LIMIT = re.compile(r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.IGNORECASE)


def _memory_limit_from_env() -> str:
    value = os.environ.get("DUCKDB_MEMORY_LIMIT", "").strip() or DEFAULT_MEMORY_LIMIT
    if not _MEMORY_LIMIT.match(value):
        raise ValueError(f"DUCKDB_MEMORY_LIMIT={value!r}: give an amount such as 4GB or 512MB")
    return value


def _threads_from_env() -> int:
    value = os.environ.get("DUCKDB_THREADS", "").strip()
    if not value:
        return os.cpu_count() or 1
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"DUCKDB_THREADS={value!r}: give a whole number of threads, at least 1")
    return int(value)


def _temp_directory_from_env() -> Path | None:
    value = os.environ.get("DUCKDB_TEMP_DIRECTORY", "").strip()
    return Path(value).expanduser().resolve() if value else None


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
    # DuckDB's limits (DUCKDB_MEMORY_LIMIT, DUCKDB_THREADS, DUCKDB_TEMP_DIRECTORY), read from the
    # environment however Settings is built. temp directory None: `<warehouse_path>.tmp`.
    duckdb_memory_limit: str = field(default_factory=_memory_limit_from_env)
    duckdb_threads: int = field(default_factory=_threads_from_env)
    duckdb_temp_directory: Path | None = field(default_factory=_temp_directory_from_env)

    @property
    def duckdb_temp_root(self) -> Path:
        """Where DuckDB processes of this warehouse spill, each in its own subdirectory."""
        if self.duckdb_temp_directory is not None:
            return self.duckdb_temp_directory
        return self.warehouse_path.with_name(self.warehouse_path.name + ".tmp")

    @classmethod
    def under(cls, root: Path) -> Settings:
        """Every data path inside `root` (a check's or a test's own warehouse, landing dir and
        outputs), the mappings and DuckDB's limits as usual."""
        return cls(
            warehouse_path=root / "warehouse.duckdb",
            landing_dir=root / "landing",
            serving_path=root / "serving.duckdb",
            export_dir=root / "export",
            reports_dir=root / "reports",
        )

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
