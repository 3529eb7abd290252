"""Alerts: a failed run, a failed check and every critical KPI alert are surfaced.

Each alert is appended as one JSON line to ALERT_LOG_PATH (default `data/alerts.log`) and, when
ALERT_WEBHOOK_URL is set, POSTed there as JSON (`text` holds a one-line summary, so a Slack or
Teams incoming webhook shows it as is; the other fields carry the details).

- `alert_on_run_failure`: a run failed (a step error, or a blocking check that stopped the run),
  with the checks that failed in it;
- `alert_on_check_failure`: a run succeeded but some of its checks failed (the non-blocking ones:
  timeliness, freshness, consistency, dbt tests of severity warn); a freshness check of an asset
  never materialized in Dagster is not an alert (nothing to judge its age by);
- `alerts/critical_kpi_alerts`: an asset after `marts/kpi_alerts` that sends the critical KPI
  alerts of each KPI's latest complete period, once per alert, and shows them on its page.
"""

import json
import os
import urllib.request
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg

from orchestration import duckdb_connect
from orchestration.dbt_target import dbt_target
from orchestration.defs.resources import WarehouseResource
from orchestration.settings import PROJECT_DIR

LOG_VARIABLE = "ALERT_LOG_PATH"
WEBHOOK_VARIABLE = "ALERT_WEBHOOK_URL"
DEFAULT_LOG = "data/alerts.log"
KPI_ALERTS_KEY = dg.AssetKey(["marts", "kpi_alerts"])
KPI_SCORECARD_KEY = dg.AssetKey(["marts", "kpi_scorecard"])


def alert_log_path() -> Path:
    value = os.environ.get(LOG_VARIABLE)
    return Path(value).expanduser().resolve() if value else PROJECT_DIR / DEFAULT_LOG


def send_alert(kind: str, severity: str, text: str, details: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Write one alert to the log and, if configured, to the webhook; returns the record.
    A webhook that cannot be reached is noted in the log, never raised."""
    record = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "kind": kind,
        "severity": severity,
        "text": text,
        **(details or {}),
    }
    url = os.environ.get(WEBHOOK_VARIABLE, "").strip()
    if url:
        request = urllib.request.Request(
            url,
            data=json.dumps(record, default=str).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                record["webhook_status"] = response.status
        except Exception as error:  # noqa: BLE001 - an alert must not fail the sensor
            record["webhook_error"] = f"{type(error).__name__}: {error}"
    path = alert_log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as log:
        log.write(json.dumps(record, default=str) + "\n")
    return record


def sent_alert_keys(kind: str) -> set[str]:
    path = alert_log_path()
    if not path.exists():
        return set()
    keys = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("kind") == kind and record.get("key"):
            keys.add(record["key"])
    return keys


FRESHNESS_CHECK = "freshness_check"  # the name dg.build_last_update_freshness_checks gives its checks


def never_materialized(instance: dg.DagsterInstance, asset_key: dg.AssetKey) -> bool:
    """No materialization of the asset recorded in this Dagster instance (e.g. the warehouse was
    built by `make run` outside Dagster): a freshness check has nothing to judge, not an alert."""
    return instance.get_latest_materialization_event(asset_key) is None


def failed_checks(instance: dg.DagsterInstance, run_id: str) -> list[dict[str, Any]]:
    """The failed asset check evaluations of a run, except freshness checks of assets never
    materialized in Dagster (a first `make dev` after `make run` must not raise 39 alerts)."""
    found = []
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.event_specific_data
        if evaluation.passed:
            continue
        if evaluation.check_name == FRESHNESS_CHECK and never_materialized(instance, evaluation.asset_key):
            continue
        found.append(
            {
                "asset": evaluation.asset_key.to_user_string(),
                "check": evaluation.check_name,
                "severity": evaluation.severity.value,
                "description": (evaluation.description or "")[:500],
            }
        )
    return found


def _summary(checks: Iterable[Mapping[str, Any]], limit: int = 5) -> str:
    items = [f"{c['asset']}:{c['check']}" for c in checks]
    more = f" (+{len(items) - limit} more)" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


@dg.run_failure_sensor(
    name="alert_on_run_failure",
    description="A failed run (and the checks that failed in it) to the alert log and webhook.",
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def alert_on_run_failure(context: dg.RunFailureSensorContext) -> None:
    run = context.dagster_run
    checks = failed_checks(context.instance, run.run_id)
    error = context.failure_event.message if context.failure_event else "run failed"
    text = f"Dagster run {run.run_id[:8]} of {run.job_name} failed: {error}"
    if checks:
        text += f"; failed checks: {_summary(checks)}"
    send_alert("run_failure", "critical", text, {"run_id": run.run_id, "job": run.job_name, "failed_checks": checks})
    context.log.info(text)


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    name="alert_on_check_failure",
    description="Checks that failed in a successful run (non-blocking ones) to the alert log and webhook.",
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def alert_on_check_failure(context: dg.RunStatusSensorContext) -> None:
    run = context.dagster_run
    checks = failed_checks(context.instance, run.run_id)
    if not checks:
        return
    severity = "critical" if any(c["severity"] == "ERROR" for c in checks) else "warning"
    text = f"{len(checks)} check(s) failed in Dagster run {run.run_id[:8]} of {run.job_name}: {_summary(checks)}"
    send_alert("check_failure", severity, text, {"run_id": run.run_id, "job": run.job_name, "failed_checks": checks})
    context.log.info(text)


CRITICAL_ALERTS_SQL = """
with latest as (
    select kpi_id, max(period_start) as period_start
    from marts.kpi_scorecard
    where is_complete_period
    group by kpi_id
)
select alerts.kpi_id, alerts.kpi_name, alerts.period_start, alerts.alert_type, alerts.owner, alerts.alert_message
from marts.kpi_alerts as alerts
inner join latest on alerts.kpi_id = latest.kpi_id and alerts.period_start = latest.period_start
where alerts.severity = 'critical'
order by alerts.kpi_id, alerts.alert_type
"""


@dg.asset(
    key=["alerts", "critical_kpi_alerts"],
    deps=[KPI_ALERTS_KEY, KPI_SCORECARD_KEY],
    group_name="alerts",
    kinds={"duckdb"},
    description="The critical KPI alerts of each KPI's latest complete period (marts.kpi_alerts), sent to the "
    "alert log and webhook once each; listed on this page.",
)
def critical_kpi_alerts(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    with duckdb_connect.connect(str(warehouse.settings().warehouse_path), read_only=True) as con:
        result = con.execute(CRITICAL_ALERTS_SQL)
        columns = [d[0] for d in result.description]
        alerts = [dict(zip(columns, row, strict=True)) for row in result.fetchall()]
    already = sent_alert_keys("kpi_alert")
    sent = 0
    for alert in alerts:
        key = f"{alert['kpi_id']}|{alert['period_start']}|{alert['alert_type']}"
        if key in already:
            continue
        send_alert("kpi_alert", "critical", alert["alert_message"], {"key": key, **alert, "run_id": context.run.run_id})
        sent += 1
    if alerts:
        context.log.warning(f"{len(alerts)} critical KPI alert(s), {sent} newly sent to {alert_log_path()}")
    table = "\n".join(
        ["| KPI | period | type | owner | message |", "|---|---|---|---|---|"]
        + [
            f"| {a['kpi_name']} | {a['period_start']} | {a['alert_type']} | {a['owner']} | {a['alert_message']} |"
            for a in alerts
        ]
    )
    return dg.MaterializeResult(
        metadata={
            "critical alerts": len(alerts),
            "newly sent": sent,
            "alerts": dg.MetadataValue.md(table if alerts else "No critical KPI alert in the latest periods."),
            "alert log": dg.MetadataValue.path(str(alert_log_path())),
        }
    )


@dg.definitions
def defs() -> dg.Definitions:
    # the alerts read kpi_alerts in the DuckDB warehouse: built there only on the DuckDB target
    assets = [critical_kpi_alerts] if dbt_target().on_duckdb else []
    return dg.Definitions(assets=assets, sensors=[alert_on_run_failure, alert_on_check_failure])
