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
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from datasets import SMALL_DATASET, build_scorecard  # tests/ is on sys.path, like browser.py
from orchestration.datagen.generator import generate
from orchestration.dbt_runner import run_dbt
from orchestration.landing import land
from orchestration.settings import Settings

GOLDEN_LANDING = Path(__file__).parent / "golden" / "landing"


def settings_under(root: Path) -> Settings:
    """Settings with every path inside `root`, so a test never touches the project's data/."""
    return Settings.under(root)


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


def build_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """`build(root)` once per test run, shared by the pytest-xdist workers: the first to ask builds
    while the others wait, then each gets the same root. Read what is in it; copy before writing."""
    run_root = _run_root(tmp_path_factory)
    root = run_root / name
    with (run_root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "built").exists():
            shutil.rmtree(root, ignore_errors=True)  # a failed attempt
            root.mkdir()
            build(root)
            (root / "built").touch()
    return root


@pytest.fixture(scope="session")
def dbt_manifest() -> dict:
    """dbt's manifest of the project as Dagster loads it (parsed once, under a lock, when stale)."""
    from orchestration.defs.project import manifest

    return dict(manifest())


@pytest.fixture(scope="session")
def golden_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The golden dataset landed and fully built, once per run; each worker reads its own copy of
    the warehouse (the landing files are shared): read it, don't write to it."""
    built = settings_under(build_once(tmp_path_factory, "golden-build", _build_golden))
    settings = replace(settings_under(tmp_path_factory.mktemp("golden")), landing_dir=built.landing_dir)
    shutil.copy(built.warehouse_path, settings.warehouse_path)
    return settings


def _build_small_dataset(root: Path) -> None:
    settings = settings_under(root)
    generate(replace(SMALL_DATASET, out_dir=settings.landing_dir))
    build_scorecard(settings)


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """SMALL_DATASET (two years to 1 November 2026, default defect rate) generated, landed and run
    up to the scorecard, once per run: before any validation run, so audit.dq_scores does not
    exist. Shared by the workers: read it, or copy the warehouse before writing."""
    return settings_under(build_once(tmp_path_factory, "small-dataset", _build_small_dataset))


@pytest.fixture
def golden_copy(golden_warehouse: Settings, tmp_path: Path) -> Settings:
    """A private copy of the built golden warehouse (landing files shared), for tests that write."""
    settings = replace(settings_under(tmp_path), landing_dir=golden_warehouse.landing_dir)
    shutil.copy(golden_warehouse.warehouse_path, settings.warehouse_path)
    return settings
