"""Dagster runs for real, in process, on a tiny fresh dataset (scale 0.002, ending now):

1. materializing every asset lands, builds, validates, builds the scorecard (its data-quality KPI
   this run's score), alerts, reports and publishes, and every check passes: dbt tests, Great
   Expectations standards (timeliness too: the data is fresh), the 24-hour freshness checks;
2. a completeness defect injected into raw (a landed row lost) is caught by the blocking GX check
   on the staging model, and nothing downstream of it materializes in that run; the run failure
   is alerted.

A few minutes: landing ~300 small files and two dbt builds dominate.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.defs.partitions import refresh_partitions
from test_dagster_defs import tmp_environment  # tests/ is on sys.path, like browser.py

pytestmark = pytest.mark.slow


@dataclass
class Materialized:
    root: Path
    defs: dg.Definitions
    instance: dg.DagsterInstance
    result: dg.ExecuteInProcessResult
    seconds: float


@pytest.fixture(scope="module")
def materialized(tmp_path_factory: pytest.TempPathFactory):
    from orchestration.datagen.__main__ import main as generate

    root = tmp_path_factory.mktemp("dagster-run")
    env = tmp_environment(root)
    assert generate(["--scale", "0.002", "--seed", "7", "--out", env["LANDING_DIR"]]) == 0
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        patch.delenv("ALERT_WEBHOOK_URL", raising=False)
        from orchestration.definitions import defs as load

        defs = load()
        # an in-memory instance (what `dg.materialize` uses): the same run, checks and event log as
        # a persistent one, without writing ~3,000 events into SQLite files (measured: the run in
        # half the time on a loaded machine)
        with dg.DagsterInstance.ephemeral() as instance:
            started = time.perf_counter()
            result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
                instance=instance, partition_key=refresh_partitions().get_last_partition_key(), raise_on_error=False
            )
            seconds = time.perf_counter() - started
            print(f"\nfull materialization in Dagster (in process): {seconds:.0f} s")
            yield Materialized(root, defs, instance, result, seconds)


def _events(result: dg.ExecuteInProcessResult, event_type: str) -> list:
    return [e for e in result.all_events if e.event_type_value == event_type]


def _step_errors(result: dg.ExecuteInProcessResult) -> str:
    return "\n".join(
        f"{e.step_key}: {e.event_specific_data.error.message[:1500]}" for e in _events(result, "STEP_FAILURE")
    )


def test_materializing_everything_succeeds_with_every_check_green(materialized: Materialized):
    result = materialized.result
    assert result.success, _step_errors(result)
    graph = materialized.defs.get_repository_def().asset_graph
    materializable = {k for k in graph.get_all_asset_keys() if graph.get(k).is_materializable}
    done = {e.event_specific_data.materialization.asset_key for e in _events(result, "ASSET_MATERIALIZATION")}
    assert done == materializable

    # dbt materializations carry the table's actual DuckDB column types and row count
    alerts = next(
        e.event_specific_data.materialization
        for e in _events(result, "ASSET_MATERIALIZATION")
        if e.event_specific_data.materialization.asset_key == dg.AssetKey(["marts", "kpi_alerts"])
    )
    columns = {c.name: c for c in alerts.metadata["dagster/column_schema"].value.columns}
    assert columns["period_start"].type.lower() == "date" and columns["severity"].description
    assert alerts.metadata["dagster/row_count"].value >= 0

    evaluations = [e.event_specific_data for e in _events(result, "ASSET_CHECK_EVALUATION")]
    failed = [f"{e.asset_key.to_user_string()}:{e.check_name}: {e.description}" for e in evaluations if not e.passed]
    assert not failed, "\n".join(failed[:20])
    assert {e.asset_check_key for e in evaluations} == set(graph.asset_check_keys)  # every check ran

    settings_root = materialized.root
    with duckdb.connect(str(settings_root / "warehouse.duckdb"), read_only=True) as con:
        scores = dict(
            con.execute(
                "select standard, score from audit.dq_scores where run_id = ?", [f"dagster-{result.run_id}"]
            ).fetchall()
        )
        # the scorecard is built after the marts' checks: its data-quality KPI is this run's score
        scored = con.execute("select run_id, data_quality_score_rate from marts.scorecard_data_quality").fetchall()
    assert scores["overall"] == 1.0
    assert {"completeness", "accuracy", "timeliness"} <= set(scores)
    assert scored == [(f"dagster-{result.run_id}", 1.0)]
    assert (settings_root / "serving.duckdb").exists()
    for cadence in ("day", "week", "month", "quarter"):
        assert list((settings_root / "reports" / cadence).glob("*.html")), cadence


def _publishes(serving: Path) -> int:
    with duckdb.connect(str(serving), read_only=True) as con:
        return con.execute("select count(*) from main.publish_log").fetchone()[0]


def test_a_backfill_of_days_is_one_run_that_derives_their_rows_again(materialized: Materialized):
    """A range of partitions runs once, passing dbt the window: the orders of those days, and only
    they, are written again by the staging layer."""
    assert materialized.result.success, "needs the first, complete materialization"
    root = materialized.root
    warehouse = root / "warehouse.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        first = con.execute("select cast(min(ordered_at) as date) from staging.base_marketplace__orders").fetchone()[0]
    start, last = first + timedelta(days=40), first + timedelta(days=49)
    graph = materialized.defs.get_repository_def().asset_graph
    staging = dg.AssetSelection.groups("staging").resolve(graph)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in tmp_environment(root).items():
            patch.setenv(name, value)
        result = materialized.defs.resolve_implicit_global_asset_job_def().execute_in_process(
            instance=materialized.instance,
            asset_selection=list(staging),
            tags={"dagster/asset_partition_range_start": str(start), "dagster/asset_partition_range_end": str(last)},
            raise_on_error=False,
        )
    assert result.success, _step_errors(result)
    window = f"{start} 00:00:00 to {last + timedelta(days=1)} 00:00:00"
    messages = [entry.user_message for entry in materialized.instance.all_logs(result.run_id)]
    said = [m for m in messages if "window" in m or "full refresh" in m]
    assert sum(f"deriving again the held rows of the window {window}" in m for m in messages) == 1, said
    with duckdb.connect(str(warehouse), read_only=True) as con:
        written = dict(
            con.execute(
                "select cast(ordered_at as date) between ? and ?, count(*) from staging.base_marketplace__orders "
                "where _written_at = (select max(_written_at) from staging.base_marketplace__orders) group by 1",
                [start, last],
            ).fetchall()
        )
    assert written.get(True, 0) > 0 and False not in written


def test_a_completeness_defect_stops_everything_downstream(materialized: Materialized):
    assert materialized.result.success, "needs the first, complete materialization"
    root = materialized.root
    published_before = _publishes(root / "serving.duckdb")
    with duckdb.connect(str(root / "warehouse.duckdb")) as con:  # a landed row goes missing
        con.execute("delete from raw.orders where rowid = (select min(rowid) from raw.orders)")

    graph = materialized.defs.get_repository_def().asset_graph
    orders = [dg.AssetKey(["staging", f"{p}_marketplace__orders"]) for p in ("base", "stg", "quarantine")]
    selection = dg.AssetSelection.assets(*orders).downstream().resolve(graph)
    env = tmp_environment(root)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        result = materialized.defs.resolve_implicit_global_asset_job_def().execute_in_process(
            instance=materialized.instance,
            asset_selection=list(selection),
            partition_key=refresh_partitions().get_last_partition_key(),
            raise_on_error=False,
        )

        assert not result.success
        evaluations = {
            (e.event_specific_data.asset_key, e.event_specific_data.check_name): e.event_specific_data
            for e in _events(result, "ASSET_CHECK_EVALUATION")
        }
        completeness = evaluations[(dg.AssetKey(["staging", "base_marketplace__orders"]), "gx_completeness")]
        assert not completeness.passed and completeness.blocking
        assert "ledger rows" in (completeness.description or "")
        done = {e.event_specific_data.materialization.asset_key for e in _events(result, "ASSET_MATERIALIZATION")}
        # the staging layer was rebuilt (orders and the staging models checked against them), and
        # nothing after it, although the selection reaches the marts, reports and the publish
        assert set(orders) <= done and {k.path[0] for k in done} == {"staging"}
        assert {"intermediate", "marts", "alerts", "reports", "serving"} <= {k.path[0] for k in selection}
        assert {e.step_key for e in _events(result, "STEP_FAILURE")} == {"gx_staging_checks"}
        assert _publishes(root / "serving.duckdb") == published_before

        from orchestration.defs.alerts import alert_on_run_failure

        run = materialized.instance.get_run_by_id(result.run_id)
        failure = next(iter(materialized.instance.all_logs(result.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)))
        context = dg.build_run_status_sensor_context(
            sensor_name="alert_on_run_failure",
            dagster_instance=materialized.instance,
            dagster_run=run,
            dagster_event=failure.dagster_event,
        ).for_run_failure()
        alert_on_run_failure(context)
    alerts = [json.loads(line) for line in (root / "alerts.log").read_text().splitlines()]
    failure_alerts = [a for a in alerts if a["kind"] == "run_failure"]
    assert failure_alerts and any(
        c["check"] == "gx_completeness" and c["asset"] == "staging/base_marketplace__orders"
        for c in failure_alerts[-1]["failed_checks"]
    )
