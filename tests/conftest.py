"""Fixtures shared across test modules.

The golden dataset (tests/golden: a tiny hand-written dataset whose KPIs were computed by hand)
is landed and built with the full `dbt build` (seeds, models, snapshot, data tests and unit tests)
once per test run, by the first worker that needs it; every module that needs a built warehouse
reads a copy of that one. A test that writes to a warehouse takes `golden_copy`, its own copy.
"""

from __future__ import annotations

import fcntl
import os
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


# The modules that take longest, first: `pytest -n 2 --dist loadfile --no-loadscope-reorder` (make
# test) hands out whole modules in collection order, so starting the long ones early lets the
# workers finish together (xdist's default order, most tests first, would start the one-test lint
# module last).
SLOWEST_MODULES = (
    "test_sql_style",
    "test_dagster_run",
    "test_alert_ground_truth",
    "test_restatement",
    "test_quality_e2e",
    "test_reports",
    "test_scorecard",
    "test_dashboard",
    "test_dagster_ui",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: position for position, name in enumerate(SLOWEST_MODULES)}
    items.sort(key=lambda item: rank.get(item.path.stem, len(rank)))


def _run_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary directory of this test run, shared by its pytest-xdist workers."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _build_golden(root: Path) -> None:
    settings = settings_under(root)
    shutil.copytree(GOLDEN_LANDING, settings.landing_dir)
    report = land(settings.landing_dir, settings.warehouse_path)
    assert not report.failed, report.failed
    with pytest.MonkeyPatch.context() as env:
        # dbt's artifacts stay with this build, away from the checkout's target/ (Dagster reads it)
        env.setenv("DBT_TARGET_PATH", str(root / "target"))
        env.setenv("DBT_LOG_PATH", str(root / "logs"))
        summary = run_dbt(["build"], settings)
    assert summary.success, summary.failures


@pytest.fixture(scope="session")
def golden_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The golden dataset landed and fully built, once per run: the first worker builds it while
    the others wait, then each reads its own copy of the warehouse (the landing files are shared);
    read it, don't write to it."""
    run_root = _run_root(tmp_path_factory)
    built = settings_under(run_root / "golden-build")
    with (run_root / "golden-build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (run_root / "golden-build" / "built").exists():
            shutil.rmtree(run_root / "golden-build", ignore_errors=True)  # a failed attempt
            _build_golden(run_root / "golden-build")
            (run_root / "golden-build" / "built").touch()
    settings = replace(settings_under(tmp_path_factory.mktemp("golden")), landing_dir=built.landing_dir)
    shutil.copy(built.warehouse_path, settings.warehouse_path)
    return settings


@pytest.fixture
def golden_copy(golden_warehouse: Settings, tmp_path: Path) -> Settings:
    """A private copy of the built golden warehouse (landing files shared), for tests that write."""
    settings = replace(settings_under(tmp_path), landing_dir=golden_warehouse.landing_dir)
    shutil.copy(golden_warehouse.warehouse_path, settings.warehouse_path)
    return settings
