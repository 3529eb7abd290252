"""The Dagster definitions load, and say what the warehouse is: every dbt node an asset, every dbt
test and GX expectation a check, blocking where a standard is guarded, schedules on the reporting
calendar, sensors, resources from the environment. Nothing is materialized here."""

from __future__ import annotations

import json
import subprocess
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import dagster as dg
import pytest

from orchestration.settings import PROJECT_DIR, Settings

VENV_BIN = PROJECT_DIR / ".venv" / "bin"
WAREHOUSE_ENV = ("WAREHOUSE_PATH", "LANDING_DIR", "SERVING_PATH", "EXPORT_DIR", "REPORTS_DIR", "ALERT_LOG_PATH")


def tmp_environment(root: Path) -> dict[str, str]:
    return {
        "WAREHOUSE_PATH": str(root / "warehouse.duckdb"),
        "LANDING_DIR": str(root / "landing"),
        "SERVING_PATH": str(root / "serving.duckdb"),
        "EXPORT_DIR": str(root / "export"),
        "REPORTS_DIR": str(root / "reports"),
        "ALERT_LOG_PATH": str(root / "alerts.log"),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
    }


@pytest.fixture(scope="module")
def env_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dagster-defs")


@pytest.fixture(scope="module")
def defs(env_root: Path) -> dg.Definitions:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in tmp_environment(env_root).items():
            patch.setenv(name, value)
        patch.delenv("SCHEDULE_TIMEZONE", raising=False)
        from orchestration.definitions import defs as load

        yield load()


@pytest.fixture(scope="module")
def repo(defs: dg.Definitions):
    return defs.get_repository_def()


def test_dg_check_defs_passes(env_root: Path):
    """The `dg` project layout: `dg check defs` finds and loads orchestration/definitions.py, with
    nothing on PATH but the system and the venv's bin (dagster-dbt's prepare_if_dev, which `dg`
    commands run, calls the `dbt` it finds there), as in an activated venv or under `make dev`."""
    env = {
        **tmp_environment(env_root),
        "PATH": f"{VENV_BIN}:/usr/bin:/bin",
        "DAGSTER_HOME": str(env_root / "home"),
    }
    (env_root / "home").mkdir(exist_ok=True)
    (env_root / "home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    result = subprocess.run(
        [str(VENV_BIN / "dg"), "check", "defs"], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "All definitions loaded successfully" in result.stdout + result.stderr


def test_runs_execute_in_process(defs: dg.Definitions):
    job = defs.resolve_implicit_global_asset_job_def()
    assert job.executor_def.name == dg.in_process_executor.name


def test_every_dbt_model_seed_and_snapshot_is_an_asset_and_every_test_a_check(repo, dbt_manifest):
    from orchestration.defs.project import translator

    graph = repo.asset_graph
    keys = set(graph.get_all_asset_keys())
    check_keys = set(graph.asset_check_keys)
    nodes = dbt_manifest["nodes"]
    built = {  # ephemeral models are compiled into their children: no table, no asset
        uid: n
        for uid, n in nodes.items()
        if n["resource_type"] in ("model", "seed", "snapshot") and n["config"].get("materialized") != "ephemeral"
    }
    assert len(built) > 100
    for node in built.values():
        key = translator().get_asset_key(node)
        assert key in keys, key
        assert graph.get(key).is_materializable
    tests = [n for n in nodes.values() if n["resource_type"] == "test" and n.get("attached_node") in built]
    assert len(tests) > 500
    for test in tests:
        key = dg.AssetCheckKey(translator().get_asset_key(built[test["attached_node"]]), test["name"])
        assert key in check_keys, key


def test_assets_show_dbt_descriptions_and_columns(repo, dbt_manifest):
    spec = repo.asset_graph.get(dg.AssetKey(["marts", "kpi_alerts"]))
    documented = next(
        n for n in dbt_manifest["nodes"].values() if n["name"] == "kpi_alerts" and n["resource_type"] == "model"
    )
    assert spec.description and spec.description.split()[0] in documented["description"]
    schema = spec.metadata["dagster/column_schema"]
    columns = {c.name: c for c in schema.columns}
    assert {"kpi_id", "period_start", "severity", "alert_message"} <= set(columns)
    assert columns["severity"].description
    assert spec.group_name == "marts"
    landing = repo.asset_graph.get(dg.AssetKey(["raw", "marketplace"]))
    assert landing.group_name == "landing" and "raw.orders" in landing.description


def test_lineage_runs_from_sources_through_layers_to_reports(repo):
    graph = repo.asset_graph
    parents = graph.get(dg.AssetKey(["staging", "base_marketplace__orders"])).parent_keys
    assert dg.AssetKey(["raw", "marketplace"]) in parents
    ancestors: set[dg.AssetKey] = set()
    frontier = [dg.AssetKey(["reports", "month_report"])]
    while frontier:
        key = frontier.pop()
        for parent in graph.get(key).parent_keys:
            if parent not in ancestors:
                ancestors.add(parent)
                frontier.append(parent)
    assert {dg.AssetKey(["raw", "marketplace"]), dg.AssetKey(["marts", "kpi_scorecard"])} <= ancestors
    publish_parents = graph.get(dg.AssetKey(["serving", "published_marts"])).parent_keys
    assert dg.AssetKey(["marts", "fct_orders"]) in publish_parents


def _check_specs(repo) -> dict[dg.AssetCheckKey, dg.AssetCheckSpec]:
    specs = {}
    for checks_def in repo.asset_graph.assets_defs:
        for spec in checks_def.check_specs:
            specs[spec.key] = spec
    return specs


def test_gx_standards_are_checks_blocking_for_completeness_and_accuracy(repo):
    specs = _check_specs(repo)
    gx = {k: s for k, s in specs.items() if k.name.startswith("gx_")}
    assert len(gx) > 50
    for key, spec in gx.items():
        assert spec.blocking == (key.name in ("gx_completeness", "gx_accuracy")), key
    orders = dg.AssetKey(["staging", "base_marketplace__orders"])
    assert dg.AssetCheckKey(orders, "gx_completeness") in gx
    assert dg.AssetCheckKey(orders, "gx_accuracy") in gx
    assert dg.AssetCheckKey(dg.AssetKey(["marts", "fct_orders"]), "gx_accuracy") in gx
    assert dg.AssetCheckKey(dg.AssetKey(["raw", "load_ledger"]), "gx_completeness") in gx
    for source in ("marketplace", "billing", "learning", "web_analytics", "marketing"):
        assert dg.AssetCheckKey(dg.AssetKey(["raw", source]), "gx_timeliness") in gx


def test_freshness_checks_on_sources_and_kpi_marts_with_24_hours(repo):
    from orchestration.defs.project import kpi_mart_keys

    specs = _check_specs(repo)
    fresh = {k.asset_key: s for k, s in specs.items() if k.name == "freshness_check"}
    from orchestration.contracts import SOURCES, TIMED_SOURCES

    assert {"marketplace", "billing", "learning", "web_analytics", "marketing", "support"} <= set(SOURCES)
    # people report the manual source on each KPI's own schedule: no 24-hour check
    assert set(SOURCES) - set(TIMED_SOURCES) == {"manual"}
    expected = {dg.AssetKey(["raw", s]) for s in TIMED_SOURCES}
    expected |= set(kpi_mart_keys())
    assert dg.AssetKey(["marts", "kpi_scorecard"]) in expected and dg.AssetKey(["marts", "fct_orders"]) not in expected
    assert set(fresh) == expected
    params = next(iter(fresh.values())).metadata["dagster/freshness_params"].value
    assert params["lower_bound_delta_seconds"] == 24 * 3600


def test_resources_come_from_the_environment_with_make_run_defaults(defs, env_root, monkeypatch):
    from orchestration.defs.resources import WarehouseResource

    resource = defs.resources["warehouse"]
    assert resource.warehouse_path == str(env_root / "warehouse.duckdb")
    assert resource.landing_dir == str(env_root / "landing")
    for name in WAREHOUSE_ENV:
        monkeypatch.delenv(name, raising=False)
    defaults = WarehouseResource.from_env()
    assert defaults.warehouse_path == str(PROJECT_DIR / "data/warehouse.duckdb")
    assert defaults.landing_dir == str(PROJECT_DIR / "data/landing")
    assert defaults.settings() == Settings.from_env()


def _tick(schedule: dg.ScheduleDefinition, when: datetime):
    context = dg.build_schedule_context(scheduled_execution_time=when)
    return schedule.evaluate_tick(context)


def test_schedules_follow_the_reporting_calendar_in_utc(repo):
    schedules = {s.name: s for s in repo.schedule_defs}
    assert schedules["daily_refresh_schedule"].cron_schedule == "0 5 * * *"
    assert schedules["day_report_schedule"].cron_schedule == "0 8 * * *"
    assert {schedules[f"{f}_report_schedule"].cron_schedule for f in ("week", "month", "quarter")} == {"0 9 * * 1"}
    assert all(s.execution_timezone == "UTC" for s in schedules.values())

    utc = UTC
    first_monday = datetime(2026, 1, 5, 9, tzinfo=utc)
    second_monday = first_monday + timedelta(days=7)
    monthly, quarterly, weekly = (schedules[f"{f}_report_schedule"] for f in ("month", "quarter", "week"))
    [request] = _tick(monthly, first_monday).run_requests
    assert request.run_config == {"ops": {"reports__month_report": {"config": {"period": "2025-12"}}}}
    assert _tick(monthly, second_monday).skip_message
    [request] = _tick(quarterly, first_monday).run_requests
    assert request.tags["report_period"] == "2025-Q4"
    assert _tick(quarterly, datetime(2026, 2, 2, 9, tzinfo=utc)).skip_message  # first Monday, not of a quarter
    [request] = _tick(weekly, second_monday).run_requests
    assert request.tags["report_period"] == "2026-W02"
    assert request.job_name in (None, "week_report")


def test_schedule_time_zone_is_configurable(env_root: Path, monkeypatch):
    """The report schedules and the refresh, whose days (its partitions) are days of that zone."""
    for name, value in tmp_environment(env_root).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SCHEDULE_TIMEZONE", "Europe/Madrid")
    from orchestration.definitions import defs as load

    repo = load().get_repository_def()
    assert {s.execution_timezone for s in repo.schedule_defs} == {"Europe/Madrid"}
    assert repo.get_job("warehouse_refresh").partitions_def.timezone == "Europe/Madrid"


def test_the_refresh_is_partitioned_by_day_and_a_backfill_is_one_run(repo):
    """Landing and every dbt layer carry the daily partitions; a backfill of a range runs once."""
    job = repo.get_job("warehouse_refresh")
    assert isinstance(job.partitions_def, dg.DailyPartitionsDefinition)
    graph = repo.asset_graph
    layers = {key for key in graph.get_all_asset_keys() if graph.get(key).group_name in ("landing", "staging", "marts")}
    assert layers and all(graph.get(key).partitions_def == job.partitions_def for key in layers)
    policies = {graph.get(key).backfill_policy for key in layers}
    assert policies == {dg.BackfillPolicy.single_run()}


def test_the_daily_refresh_runs_the_day_that_just_ended(repo):
    schedule = next(s for s in repo.schedule_defs if s.name == "daily_refresh_schedule")
    [request] = _tick(schedule, datetime(2026, 12, 4, 5, tzinfo=UTC)).run_requests
    assert request.partition_key == "2026-12-03"


def test_landing_sensor_starts_a_refresh_when_new_files_settle(repo, tmp_path, monkeypatch):
    monkeypatch.setenv("LANDING_DIR", str(tmp_path))
    sensor = next(s for s in repo.sensor_defs if s.name == "new_landing_files")
    assert sensor.job_name == "warehouse_refresh"
    folder = tmp_path / "marketplace" / "orders"
    folder.mkdir(parents=True)
    (folder / "orders_2026-10.csv").write_text("order_id\n1\n")

    def tick(cursor):
        context = dg.build_sensor_context(cursor=cursor, repository_def=repo)
        result = sensor.evaluate_tick(context)
        return result, result.cursor

    result, cursor = tick(None)
    assert not result.run_requests  # takes stock
    (folder / "orders_2026-11.csv").write_text("order_id\n2\n")
    result, cursor = tick(cursor)
    assert not result.run_requests  # waits for the files to settle
    result, cursor = tick(cursor)
    assert len(result.run_requests) == 1
    # the newest complete day: the window its build derives again
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    assert result.run_requests[0].partition_key == yesterday
    result, cursor = tick(cursor)
    assert not result.run_requests


class _Hook(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        length = int(self.headers["Content-Length"])
        _Hook.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):  # quiet
        pass


def test_alerts_go_to_the_log_and_the_webhook(tmp_path, monkeypatch):
    from orchestration.defs.alerts import send_alert, sent_alert_keys

    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("ALERT_LOG_PATH", str(tmp_path / "alerts.log"))
        monkeypatch.setenv("ALERT_WEBHOOK_URL", f"http://127.0.0.1:{server.server_address[1]}/hook")
        record = send_alert("kpi_alert", "critical", "Net revenue fell 17%", {"key": "net_revenue|2026-10-01|drop"})
    finally:
        server.shutdown()
    assert record["webhook_status"] == 204
    assert _Hook.received[-1]["text"] == "Net revenue fell 17%"
    logged = [json.loads(line) for line in (tmp_path / "alerts.log").read_text().splitlines()]
    assert logged[-1]["kind"] == "kpi_alert" and logged[-1]["severity"] == "critical"
    assert sent_alert_keys("kpi_alert") == {"net_revenue|2026-10-01|drop"}


def test_alert_sensors_are_defined_and_running_by_default(repo):
    sensors = {s.name: s for s in repo.sensor_defs}
    for name in ("alert_on_run_failure", "alert_on_check_failure", "freshness_checks_sensor", "new_landing_files"):
        assert sensors[name].default_status == dg.DefaultSensorStatus.RUNNING, name


def test_freshness_checks_of_assets_never_materialized_in_dagster_do_not_alert():
    from types import SimpleNamespace

    from orchestration.defs.alerts import FRESHNESS_CHECK, failed_checks

    def evaluation(asset: str, check: str, passed: bool = False) -> SimpleNamespace:
        data = SimpleNamespace(
            passed=passed, check_name=check, asset_key=dg.AssetKey(["marts", asset]),
            severity=SimpleNamespace(value="WARN"), description="stale",
        )
        return SimpleNamespace(dagster_event=SimpleNamespace(event_specific_data=data))

    materialized = {dg.AssetKey(["marts", "built_in_dagster"])}

    class Instance:
        def all_logs(self, run_id, of_type=None):
            return [
                evaluation("never_built", FRESHNESS_CHECK),  # `make run` built it, Dagster never did
                evaluation("built_in_dagster", FRESHNESS_CHECK),  # really stale
                evaluation("never_built", "gx_timeliness"),  # another check: still an alert
                evaluation("built_in_dagster", FRESHNESS_CHECK, passed=True),
            ]

        def get_latest_materialization_event(self, key):
            return object() if key in materialized else None

    found = failed_checks(Instance(), "run-1")
    assert [(c["asset"], c["check"]) for c in found] == [
        ("marts/built_in_dagster", FRESHNESS_CHECK), ("marts/never_built", "gx_timeliness")
    ]


def test_built_tables_carry_their_types_row_counts_and_the_manifests_descriptions(tmp_path):
    import duckdb

    from orchestration.defs.dbt import COLUMN_SCHEMA, ROW_COUNT, built_tables, with_table_metadata

    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.m as select 'k' as kpi_id, 1 as extra union all select 'j', 2")
        con.execute("create table marts.other (x date)")
    tables = built_tables(warehouse, {("marts", "m"), ("marts", "gone")})
    assert tables == {("marts", "m"): ([("kpi_id", "VARCHAR"), ("extra", "INTEGER")], 2)}
    event = dg.Output(None, output_name="o", metadata={"unique_id": "model.p.m"})
    node = {"columns": {"kpi_id": {"description": "The KPI."}}}
    metadata = with_table_metadata(event, node, tables[("marts", "m")]).metadata
    assert [(c.name, c.type, c.description) for c in metadata[COLUMN_SCHEMA].value.columns] == [
        ("kpi_id", "varchar", "The KPI."),
        ("extra", "integer", None),
    ]
    assert metadata[ROW_COUNT].value == 2
    assert with_table_metadata(event, node, None) is event
