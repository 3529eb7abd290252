"""dbt is pointed at a warehouse on its command line (orchestration.dbt_flags), never through the
process environment: the flags, the profile they feed, and the in-process runner's wiring. Fast:
no dbt command runs here."""

from __future__ import annotations

import json
import os
from argparse import Namespace
from pathlib import Path
from typing import Any

import pytest

from orchestration import dbt_runner
from orchestration.dbt_flags import WAREHOUSE_VAR, for_warehouse, given_vars, with_vars
from orchestration.settings import PROJECT_DIR, Settings


def settings_at(path: Path) -> Settings:
    return Settings(warehouse_path=path, landing_dir=path.parent / "landing")


def test_the_warehouse_is_added_as_a_var(tmp_path: Path) -> None:
    args = for_warehouse(["build", "--select", "path:models/staging"], settings_at(tmp_path / "w.duckdb"))
    assert args[:3] == ["build", "--select", "path:models/staging"]
    given = json.loads(given_vars(args))
    assert given[WAREHOUSE_VAR] == str(tmp_path / "w.duckdb")
    # and its DuckDB limits (tests/test_duckdb_connect.py)
    assert set(given) == {WAREHOUSE_VAR, "duckdb_memory_limit", "duckdb_threads", "duckdb_temp_directory"}


def test_the_callers_own_vars_are_kept_beside_the_warehouse() -> None:
    # dbt reads one --vars: a second flag would silently replace the first
    args = with_vars(["run", "--vars", "{late_arrival_grace_days: 3}", "--quiet"], {WAREHOUSE_VAR: "/w.duckdb"})
    assert args.count("--vars") == 1 and args[-1] == "--quiet"
    assert json.loads(given_vars(args)) == {"late_arrival_grace_days": 3, WAREHOUSE_VAR: "/w.duckdb"}
    assert given_vars(["build"]) is None


def test_the_profile_reads_the_var_before_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dbt.config.runtime import load_profile
    from dbt.flags import set_from_args
    from dbt_common.context import set_invocation_context

    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "from-the-environment.duckdb"))
    set_invocation_context(dict(os.environ))
    set_from_args(Namespace(profiles_dir=str(PROJECT_DIR)), None)
    wanted = tmp_path / "from-the-var.duckdb"
    profile = load_profile(str(PROJECT_DIR), {WAREHOUSE_VAR: str(wanted)})
    assert profile.credentials.path == str(wanted)
    # a dbt typed by hand, without the var, still follows WAREHOUSE_PATH
    assert load_profile(str(PROJECT_DIR), {}).credentials.path == str(tmp_path / "from-the-environment.duckdb")


class RecordingRunner:
    """Stands in for dbt's dbtRunner: records each invocation, runs nothing."""

    calls: list[list[str]] = []

    def __init__(self, manifest: Any = None) -> None:
        self.manifest = manifest

    def invoke(self, args: list[str]) -> Any:
        RecordingRunner.calls.append(args)
        return type("Result", (), {"success": True, "result": None, "exception": None})()


def test_run_dbt_passes_paths_as_flags_and_leaves_the_environment_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dbt.cli.main

    monkeypatch.setattr(dbt.cli.main, "dbtRunner", RecordingRunner)
    RecordingRunner.calls = []
    before = dict(os.environ)
    settings = settings_at(tmp_path / "scratch.duckdb")
    summary = dbt_runner.run_dbt(
        ["debug"], settings, PROJECT_DIR, target_path=tmp_path / "target", log_path=tmp_path / "logs"
    )
    assert summary.success and dict(os.environ) == before
    (args,) = RecordingRunner.calls
    assert args[0] == "debug"
    for flag, value in (
        ("--project-dir", PROJECT_DIR),
        ("--profiles-dir", PROJECT_DIR),
        ("--target-path", tmp_path / "target"),
        ("--log-path", tmp_path / "logs"),
    ):
        assert args[args.index(flag) + 1] == str(value), flag
    assert json.loads(given_vars(args))[WAREHOUSE_VAR] == str(tmp_path / "scratch.duckdb")
