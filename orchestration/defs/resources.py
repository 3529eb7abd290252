"""Resources: where the pipeline reads and writes, and the dbt CLI.

Both are configured from the environment when the definitions load, with the defaults of
`make run` (`orchestration.settings.Settings.from_env`): WAREHOUSE_PATH (data/warehouse.duckdb),
LANDING_DIR (data/landing), SERVING_PATH, EXPORT_DIR, REPORTS_DIR, and dbt's target DBT_TARGET
(`dev`; `spark`: orchestration/dbt_target.py). The values in effect are shown on the Resources
page of the UI.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.dbt_target import dbt_target
from orchestration.defs.project import dbt_executable, dbt_project
from orchestration.pipeline_lock import warehouse_lock
from orchestration.settings import Settings


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse (one writer at a time: runs execute in process, one step after the
    other), the landing directory it is fed from, and where published data and reports go.

    A run using it holds the pipeline lock (`orchestration.pipeline_lock`) from start to end (the
    in-process executor sets resources up once per run), so it waits for `make run`, `make land`
    or `make data` on the same warehouse and they wait for it, up to PIPELINE_LOCK_TIMEOUT seconds."""

    warehouse_path: str
    landing_dir: str
    serving_path: str
    export_dir: str
    reports_dir: str
    mapping_dir: str

    @classmethod
    def from_settings(cls, settings: Settings) -> WarehouseResource:
        return cls(
            warehouse_path=str(settings.warehouse_path),
            landing_dir=str(settings.landing_dir),
            serving_path=str(settings.serving_path),
            export_dir=str(settings.export_dir),
            reports_dir=str(settings.reports_dir),
            mapping_dir=str(settings.mapping_dir),
        )

    @classmethod
    def from_env(cls) -> WarehouseResource:
        return cls.from_settings(Settings.from_env())

    @contextlib.contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[WarehouseResource]:
        run_id = context.run.run_id if context.run else "outside a run"
        say = context.log.warning if context.log else print
        with (
            warehouse_lock(Path(self.warehouse_path), command=f"dagster run {run_id}", say=say),
            super().yield_for_execution(context) as resource,
        ):
            yield resource

    def settings(self) -> Settings:
        return Settings(
            warehouse_path=Path(self.warehouse_path),
            landing_dir=Path(self.landing_dir),
            serving_path=Path(self.serving_path),
            export_dir=Path(self.export_dir),
            reports_dir=Path(self.reports_dir),
            mapping_dir=Path(self.mapping_dir),
        )


def dbt_resource() -> DbtCliResource:
    """dbt on the target DBT_TARGET names (profiles.yml's `dev`, DuckDB, by default)."""
    return DbtCliResource(project_dir=dbt_project(), dbt_executable=dbt_executable(), target=dbt_target().name)


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(resources={"warehouse": WarehouseResource.from_env(), "dbt": dbt_resource()})
