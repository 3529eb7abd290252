"""The Dagster UI as a user starts it: `dg dev` as a real process on a free port.

Its GraphQL API must list every asset and every check the definitions have, and a headless Chromium
screenshot of the asset graph shows the lineage (artifacts/dagster-asset-graph.png and
artifacts/dagster-asset-lineage.png, not committed). The instance is a throwaway DAGSTER_HOME whose
run queue launches nothing, so the sensors that start running with the UI stay harmless.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from browser import screenshot_and_dom  # tests/browser.py
from orchestration.settings import PROJECT_DIR
from test_dagster_defs import VENV_BIN, tmp_environment  # tests/ is on sys.path

pytestmark = pytest.mark.slow

STARTUP_TIMEOUT = 900  # `dg dev` answers after ~30 s on an idle machine; a dbt parse can add a minute
GROUPS = ("landing", "staging", "intermediate", "marts", "alerts", "reports", "serving")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def graphql(url: str, query: str, timeout: float = 120) -> dict:
    request = urllib.request.Request(
        f"{url}/graphql", data=json.dumps({"query": query}).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        data = json.load(response)
    assert "errors" not in data, data["errors"]
    return data["data"]


LOCATIONS = """
{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus
    locationOrLoadError { __typename ... on PythonError { message } } } } } }
"""


def wait_until_loaded(url: str, process: subprocess.Popen, log: Path) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < STARTUP_TIMEOUT:
        if process.poll() is not None:
            pytest.fail(f"dg dev exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            entries = graphql(url, LOCATIONS, timeout=10)["workspaceOrError"]["locationEntries"]
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            entries = []
        for entry in entries:
            loaded = entry["locationOrLoadError"] or {}
            if loaded.get("__typename") == "PythonError":
                pytest.fail(f"code location {entry['name']} failed to load: {loaded['message'][:3000]}")
            if entry["loadStatus"] == "LOADED" and loaded.get("__typename") == "RepositoryLocation":
                return time.perf_counter() - started
        time.sleep(3)
    pytest.fail(f"dg dev did not load the definitions in {STARTUP_TIMEOUT} s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="module")
def ui(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("dagster-ui")
    home = root / "dagster_home"
    home.mkdir()
    # max_concurrent_runs 0: the freshness sensor's first tick queues a run that never starts
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\nrun_queue:\n  max_concurrent_runs: 0\n")
    port = free_port()
    env = {**os.environ, **tmp_environment(root), "DAGSTER_HOME": str(home)}
    # as `make dev` runs it: dagster-dbt's prepare_if_dev finds dbt on PATH
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("SCHEDULE_TIMEZONE", None)
    log = root / "dg-dev.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(VENV_BIN / "dg"), "dev", "--host", "127.0.0.1", "--port", str(port)],
            cwd=PROJECT_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as a whole below
        )
    url = f"http://127.0.0.1:{port}"
    try:
        seconds = wait_until_loaded(url, process, log)
        print(f"\ndg dev loaded the definitions in {seconds:.0f} s")
        yield url, root
    finally:
        # started from a script, dg dev may ignore SIGINT: give it a moment, then kill the group
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


@pytest.fixture(scope="module")
def expected(ui) -> tuple[set[tuple[str, ...]], set[tuple[tuple[str, ...], str]]]:
    """The asset and check keys of the definitions, loaded here with the UI's environment."""
    _, root = ui
    with pytest.MonkeyPatch.context() as patch:
        for name, value in tmp_environment(root).items():
            patch.setenv(name, value)
        from orchestration.definitions import defs

        graph = defs().get_repository_def().asset_graph
    assets = {tuple(k.path) for k in graph.get_all_asset_keys()}
    checks = {(tuple(k.asset_key.path), k.name) for k in graph.asset_check_keys}
    return assets, checks


ASSETS = """
{ assetNodes { assetKey { path } groupName isMaterializable
    assetChecksOrError { ... on AssetChecks { checks { name blocking } } } } }
"""


def test_graphql_lists_every_asset_and_check(ui, expected):
    url, _ = ui
    nodes = graphql(url, ASSETS)["assetNodes"]
    assets = {tuple(n["assetKey"]["path"]) for n in nodes}
    checks = {
        (tuple(n["assetKey"]["path"]), c["name"]) for n in nodes for c in n["assetChecksOrError"].get("checks", [])
    }
    expected_assets, expected_checks = expected
    assert assets == expected_assets
    assert checks == expected_checks
    groups = {n["groupName"] for n in nodes if n["isMaterializable"]}
    assert set(GROUPS) <= groups
    blocking = {
        (tuple(n["assetKey"]["path"]), c["name"]): c["blocking"]
        for n in nodes
        for c in n["assetChecksOrError"].get("checks", [])
    }
    assert blocking[(("staging", "base_marketplace__orders"), "gx_completeness")] is True
    assert blocking[(("raw", "marketplace"), "gx_timeliness")] is False


def test_jobs_schedules_and_sensors_are_listed(ui):
    url, _ = ui
    data = graphql(
        url,
        """{ repositoriesOrError { ... on RepositoryConnection { nodes {
              jobs { name } schedules { name cronSchedule executionTimezone } sensors { name } } } } }""",
    )
    [repository] = data["repositoriesOrError"]["nodes"]
    assert {"warehouse_refresh", "day_report", "week_report", "month_report", "quarter_report"} <= {
        j["name"] for j in repository["jobs"]
    }
    schedules = {s["name"]: s for s in repository["schedules"]}
    assert schedules["daily_refresh_schedule"]["cronSchedule"] == "0 5 * * *"
    assert {s["executionTimezone"] for s in schedules.values()} == {"UTC"}
    assert {"new_landing_files", "alert_on_run_failure", "alert_on_check_failure", "freshness_checks_sensor"} <= {
        s["name"] for s in repository["sensors"]
    }


def test_asset_graph_page_shows_the_lineage(ui):
    url, _ = ui
    # The community sign-up dialog shows once per instance on localhost; a user would press Skip.
    graphql(url, "mutation { setNuxSeen }")
    graph_page = f"{url}/asset-groups"
    shot, dom = screenshot_and_dom(graph_page, "dagster-asset-graph", width=1600, height=1000, wait_ms=30000)
    assert shot.stat().st_size > 20_000
    for group in GROUPS:
        assert group in dom, group

    lineage_page = f"{url}/assets/marts/revenue_monthly?view=lineage&lineageScope=upstream&lineageDepth=5"
    shot, dom = screenshot_and_dom(lineage_page, "dagster-asset-lineage", width=1600, height=1000, wait_ms=30000)
    assert shot.stat().st_size > 20_000
    assert "revenue_monthly" in dom
    assert "Lineage" in dom
