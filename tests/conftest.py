"""Fixtures shared across test modules.

The golden dataset (tests/golden: a tiny hand-written dataset whose KPIs were computed by hand)
is landed and built with the full `dbt build` (seeds, models, snapshot, data tests and unit tests)
once per test session; every module that needs a built warehouse reads that one. A test that
writes to a warehouse takes `golden_copy`, its own copy of the file.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestration.dbt_runner import run_dbt
from orchestration.landing import land
from orchestration.settings import Settings

GOLDEN_LANDING = Path(__file__).parent / "golden" / "landing"


def settings_under(root: Path) -> Settings:
    """Settings with every path inside `root`, so a test never touches the project's data/."""
    return Settings(
        warehouse_path=root / "warehouse.duckdb",
        landing_dir=root / "landing",
        serving_path=root / "serving.duckdb",
        export_dir=root / "export",
        reports_dir=root / "reports",
    )


@pytest.fixture(scope="session", autouse=True)
def private_dbt_artifacts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """dbt's target/ and logs/ per test process, so parallel workers (pytest -n) and a running
    Dagster UI never read each other's half-written artifacts."""
    root = tmp_path_factory.mktemp("dbt-artifacts")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DBT_TARGET_PATH", str(root / "target"))
        env.setenv("DBT_LOG_PATH", str(root / "logs"))
        yield


@pytest.fixture(scope="session")
def golden_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The golden dataset landed and fully built; read it, don't write to it."""
    settings = settings_under(tmp_path_factory.mktemp("golden"))
    shutil.copytree(GOLDEN_LANDING, settings.landing_dir)
    report = land(settings.landing_dir, settings.warehouse_path)
    assert not report.failed, report.failed
    with pytest.MonkeyPatch.context() as env:
        # dbt's artifacts stay with this build, away from the checkout's target/ (Dagster reads it)
        env.setenv("DBT_TARGET_PATH", str(settings.landing_dir.parent / "target"))
        env.setenv("DBT_LOG_PATH", str(settings.landing_dir.parent / "logs"))
        summary = run_dbt(["build"], settings)
    assert summary.success, summary.failures
    return settings


@pytest.fixture
def golden_copy(golden_warehouse: Settings, tmp_path: Path) -> Settings:
    """A private copy of the built golden warehouse (landing files shared), for tests that write."""
    settings = replace(settings_under(tmp_path), landing_dir=golden_warehouse.landing_dir)
    shutil.copy(golden_warehouse.warehouse_path, settings.warehouse_path)
    return settings
