"""Resources: where the pipeline reads and writes, and the dbt CLI.

Both are configured from the environment when the definitions load, with the defaults of
`make run` (`orchestration.settings.Settings.from_env`): WAREHOUSE_PATH (data/warehouse.duckdb),
LANDING_DIR (data/landing), SERVING_PATH, EXPORT_DIR, REPORTS_DIR. The values in effect are shown
on the Resources page of the UI.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.defs.project import dbt_executable, dbt_project
from orchestration.settings import Settings


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse (one writer at a time: runs execute in process, one step after the
    other), the landing directory it is fed from, and where published data and reports go."""

    warehouse_path: str
    landing_dir: str
    serving_path: str
    export_dir: str
    reports_dir: str

    @classmethod
    def from_settings(cls, settings: Settings) -> "WarehouseResource":
        return cls(
            warehouse_path=str(settings.warehouse_path),
            landing_dir=str(settings.landing_dir),
            serving_path=str(settings.serving_path),
            export_dir=str(settings.export_dir),
            reports_dir=str(settings.reports_dir),
        )

    @classmethod
    def from_env(cls) -> "WarehouseResource":
        return cls.from_settings(Settings.from_env())

    def settings(self) -> Settings:
        return Settings(
            warehouse_path=Path(self.warehouse_path),
            landing_dir=Path(self.landing_dir),
            serving_path=Path(self.serving_path),
            export_dir=Path(self.export_dir),
            reports_dir=Path(self.reports_dir),
        )


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project(), dbt_executable=dbt_executable())


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(resources={"warehouse": WarehouseResource.from_env(), "dbt": dbt_resource()})
