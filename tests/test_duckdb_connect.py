"""Bounded memory (orchestration.duckdb_connect): Settings -> DuckDB's memory_limit, threads and
temp_directory, applied to every connection the project opens and passed to dbt's profile. Fast:
no dbt command runs here."""

from __future__ import annotations

import os
import re
from argparse import Namespace
from pathlib import Path

import duckdb
import pytest

from orchestration import duckdb_connect
from orchestration.dbt_flags import WAREHOUSE_VAR, for_warehouse, given_vars
from orchestration.settings import DEFAULT_MEMORY_LIMIT, PROJECT_DIR, Settings

LIMIT_VARIABLES = ("DUCKDB_MEMORY_LIMIT", "DUCKDB_THREADS", "DUCKDB_TEMP_DIRECTORY")


@pytest.fixture(autouse=True)
def _no_limits_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in LIMIT_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


def settings_at(path: Path, **limits: object) -> Settings:
    return Settings(warehouse_path=path, landing_dir=path.parent / "landing", **limits)  # type: ignore[arg-type]


def test_safe_defaults(tmp_path: Path) -> None:
    settings = settings_at(tmp_path / "w.duckdb")
    assert settings.duckdb_memory_limit == DEFAULT_MEMORY_LIMIT == "4GB"
    assert settings.duckdb_threads == (os.cpu_count() or 1)
    # beside the warehouse, as DuckDB's own default: never a RAM-backed /tmp
    assert settings.duckdb_temp_root == tmp_path / "w.duckdb.tmp"


def test_settings_follow_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUCKDB_MEMORY_LIMIT", "512MB")
    monkeypatch.setenv("DUCKDB_THREADS", "1")
    monkeypatch.setenv("DUCKDB_TEMP_DIRECTORY", str(tmp_path / "spill"))
    settings = settings_at(tmp_path / "w.duckdb")  # however Settings is built
    assert (settings.duckdb_memory_limit, settings.duckdb_threads) == ("512MB", 1)
    assert settings.duckdb_temp_root == tmp_path / "spill"
    assert Settings.from_env().duckdb_memory_limit == "512MB"


@pytest.mark.parametrize(("variable", "value"), [("DUCKDB_MEMORY_LIMIT", "lots"), ("DUCKDB_THREADS", "0"),
                                                 ("DUCKDB_THREADS", "two")])
def test_a_bad_setting_is_refused_by_name(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=variable):
        Settings.from_env()


def test_config_from_settings(tmp_path: Path) -> None:
    settings = settings_at(tmp_path / "w.duckdb", duckdb_memory_limit="1GB", duckdb_threads=3)
    config = duckdb_connect.duckdb_config(settings, tmp_path / "spill-here")
    assert config == {"memory_limit": "1GB", "threads": "3", "temp_directory": str(tmp_path / "spill-here")}
    # without a directory: this process's, under the root
    default = Path(duckdb_connect.duckdb_config(settings)["temp_directory"])
    assert default.parent == settings.duckdb_temp_root and default.name.startswith(f"pid-{os.getpid()}-")


def test_each_instance_spills_into_its_own_directory(tmp_path: Path) -> None:
    # two DuckDB processes (or instances) sharing a temp_directory crash when both spill
    settings = settings_at(tmp_path / "w.duckdb")
    mine = {duckdb_connect.process_temp_directory(settings, instance=n) for n in range(3)}
    other = duckdb_connect.process_temp_directory(settings, pid=os.getpid() + 1)
    assert len(mine) == 3 and other not in mine
    # dbt's is stable per warehouse (a var changing every run would make dbt re-parse the project)
    assert duckdb_connect.dbt_temp_directory(settings) == duckdb_connect.dbt_temp_directory(settings)
    assert duckdb_connect.dbt_temp_directory(settings) != duckdb_connect.dbt_temp_directory(
        settings_at(tmp_path / "other" / "w.duckdb", duckdb_temp_directory=settings.duckdb_temp_root))


def _current(con: duckdb.DuckDBPyConnection, name: str) -> str:
    return con.execute(f"select current_setting('{name}')::varchar").fetchone()[0]


def test_connect_applies_the_limits(tmp_path: Path) -> None:
    settings = settings_at(tmp_path / "w.duckdb", duckdb_memory_limit="256MB", duckdb_threads=1)
    with duckdb.connect() as plain:
        plain.execute("set memory_limit = '256MB'")
        expected_memory = _current(plain, "memory_limit")  # DuckDB shows it in its own units
    with duckdb_connect.connect(settings.warehouse_path, settings=settings) as con:
        assert _current(con, "memory_limit") == expected_memory
        assert _current(con, "threads") == "1"
        spill = Path(_current(con, "temp_directory"))
        assert spill.parent == settings.duckdb_temp_root and settings.duckdb_temp_root.is_dir()
        # a second connection to the same file in this process shares the instance: no conflict
        with duckdb_connect.connect(settings.warehouse_path, read_only=False, settings=settings) as again:
            assert _current(again, "threads") == "1"
    with duckdb_connect.connect(settings=settings) as memory:  # in-memory (publish, dashboards)
        assert _current(memory, "memory_limit") == expected_memory


def test_a_connection_past_its_memory_limit_spills_and_succeeds(tmp_path: Path) -> None:
    settings = settings_at(tmp_path / "w.duckdb", duckdb_memory_limit="64MB", duckdb_threads=1)
    with duckdb_connect.connect(settings=settings) as con:
        con.execute("set preserve_insertion_order = false")
        rows = con.execute(
            "select count(distinct s) from (select md5(i::varchar) s from range(1500000) t(i) order by s)"
        ).fetchone()[0]
        assert rows == 1_500_000


def test_connect_without_settings_follows_the_file(tmp_path: Path) -> None:
    with duckdb_connect.connect(tmp_path / "x.duckdb") as con:
        assert Path(_current(con, "temp_directory")).parent == tmp_path / "x.duckdb.tmp"


def test_the_profile_passes_the_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dbt.config.runtime import load_profile
    from dbt.flags import set_from_args
    from dbt_common.context import set_invocation_context

    settings = settings_at(tmp_path / "w.duckdb", duckdb_memory_limit="3GB", duckdb_threads=1)
    args = for_warehouse(["build"], settings)
    passed = yaml_vars(given_vars(args))
    assert passed[WAREHOUSE_VAR] == str(settings.warehouse_path)
    set_invocation_context(dict(os.environ))
    set_from_args(Namespace(profiles_dir=str(PROJECT_DIR)), None)
    credentials = load_profile(str(PROJECT_DIR), passed).credentials
    assert credentials.settings["memory_limit"] == "3GB"
    assert str(credentials.settings["threads"]) == "1"
    # once, when the database opens: dbt-duckdb SETs `settings` on every cursor
    assert "temp_directory" not in credentials.settings
    assert credentials.config_options["temp_directory"] == str(duckdb_connect.dbt_temp_directory(settings))
    assert settings.duckdb_temp_root.is_dir()  # DuckDB creates the directory, not its parents

    # a dbt typed by hand, without the vars, reads the environment, then the defaults
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "hand.duckdb"))
    set_invocation_context(dict(os.environ))
    by_hand = load_profile(str(PROJECT_DIR), {}).credentials
    assert by_hand.settings["memory_limit"] == DEFAULT_MEMORY_LIMIT
    assert by_hand.config_options["temp_directory"] == str(tmp_path / "hand.duckdb") + ".tmp"
    monkeypatch.setenv("DUCKDB_MEMORY_LIMIT", "2GB")
    monkeypatch.setenv("DUCKDB_THREADS", "1")
    set_invocation_context(dict(os.environ))
    by_hand = load_profile(str(PROJECT_DIR), {}).credentials
    assert (by_hand.settings["memory_limit"], str(by_hand.settings["threads"])) == ("2GB", "1")


def yaml_vars(value: str | None) -> dict[str, str]:
    import yaml

    return yaml.safe_load(value or "{}")


def test_every_connection_goes_through_the_helper() -> None:
    """No process of the project opens DuckDB past the limits: a bare `duckdb.connect(` call in
    orchestration/ or dashboards/ (outside the helper) names its file and line."""
    call = re.compile(r"(?<![`\w])duckdb\.connect\(")
    offending = []
    for folder in ("orchestration", "dashboards"):
        for path in sorted((PROJECT_DIR / folder).rglob("*.py")):
            if path.name == "duckdb_connect.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if call.search(line.split("#")[0]) and "`duckdb.connect(" not in line:
                    offending.append(f"{path.relative_to(PROJECT_DIR)}:{number}: {line.strip()}")
    assert not offending, "\n".join(offending)
