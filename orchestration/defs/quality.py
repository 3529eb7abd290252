"""Data quality in Dagster: the Great Expectations suites as asset checks, and timeliness.

- `gx_staging_checks` runs after the staging layer: the entity suites (raw rows accounted for,
  99% valid, required columns) on the staging models, blocking; and the timeliness suite on the
  source assets (newest load and newest business timestamp within 24 hours), not blocking.
- `gx_marts_checks` runs after the marts: required columns and totals reconciled with staging,
  blocking (they gate the scorecard, publishing and the reports); schema and KPI-catalog drift as
  warnings. The scorecard is built after them, so its data-quality KPI is this run's score.
- The landing suite runs inside the landing step (see `landing`).
- `freshness_24h`: Dagster freshness checks on the source assets and the KPI marts: each must have
  been updated within the last 24 hours (the timeliness standard). They run with every run that
  materializes those assets and, through `freshness_checks_sensor`, whenever one could go stale.

See `gx` for how expectations map to checks and how results are recorded in `audit.*`.
"""

import warnings
from collections.abc import Iterable
from datetime import timedelta

import dagster as dg

from orchestration.contracts import ENTITIES, SOURCES, TIMED_SOURCES
from orchestration.dbt_target import dbt_target
from orchestration.defs import gx
from orchestration.defs.project import kpi_mart_keys, manifest, translator
from orchestration.defs.resources import WarehouseResource
from orchestration.quality.definitions import TIMELINESS_MAX_AGE_HOURS

FRESHNESS_LIMIT = timedelta(hours=TIMELINESS_MAX_AGE_HOURS)


def dbt_asset_keys() -> set[dg.AssetKey]:
    return {
        translator().get_asset_key(node)
        for node in manifest()["nodes"].values()
        if node["resource_type"] in ("model", "seed", "snapshot")
    }


def known_asset_keys() -> set[dg.AssetKey]:
    return dbt_asset_keys() | {dg.AssetKey(["raw", s]) for s in SOURCES} | {gx.LEDGER_KEY}


def _staging_keys_of(source: str, entity: str | None = None) -> list[dg.AssetKey]:
    keys = []
    for e in ENTITIES:
        if e.source != source or (entity and e.name != entity):
            continue
        keys += [dg.AssetKey(["staging", f"{prefix}_{e.source}__{e.name}"]) for prefix in ("base", "stg", "quarantine")]
    return keys


def _additional_deps(check: gx.GxCheck, known: set[dg.AssetKey]) -> list[dg.AssetKey]:
    """What a check's queries read besides its own asset (lineage, and execution order)."""
    deps: list[dg.AssetKey] = []
    for suite in check.suites:
        if suite == "timeliness":
            source = check.asset_key.path[-1]
            deps += [k for k in _staging_keys_of(source) if k.path[-1].startswith("base_")]
        elif suite.startswith("entity__"):
            entity = suite.removeprefix("entity__")
            source = next(e.source for e in ENTITIES if e.name == entity)
            deps += [dg.AssetKey(["raw", source]), *_staging_keys_of(source, entity)]
    return [k for k in deps if k in known and k != check.asset_key]


def build_gx_check(name: str, stage: str, description: str, known: set[dg.AssetKey]) -> dg.AssetChecksDefinition:
    log = dg.get_dagster_logger()
    checks = gx.gx_checks([stage], known_keys=known, warn=log.warning)
    by_key = {c.key: c for c in checks}

    @dg.multi_asset_check(
        name=name,
        specs=[c.spec(_additional_deps(c, known)) for c in checks],
        can_subset=True,
        description=description,
        compute_kind="great_expectations",
    )
    def gx_check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> Iterable[dg.AssetCheckResult]:
        selected = [by_key[k] for k in context.selected_asset_check_keys if k in by_key]
        run_id = gx.dq_run_id(context.run.run_id)
        rows = gx.run_gx(warehouse.settings(), run_id, selected)
        failed = 0
        for check in selected:
            result = check.result(rows, run_id)
            failed += not result.passed
            yield result
        context.log.info(f"{len(selected)} GX checks, {failed} failed; results in audit.dq_results (run {run_id})")

    return gx_check


def build_freshness_checks() -> tuple[list[dg.AssetChecksDefinition], dg.SensorDefinition]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # superseded by FreshnessPolicy, which is not a check
        checks = [
            *dg.build_last_update_freshness_checks(
                assets=[dg.AssetKey(["raw", s]) for s in TIMED_SOURCES], lower_bound_delta=FRESHNESS_LIMIT
            ),
            *dg.build_last_update_freshness_checks(assets=kpi_mart_keys(), lower_bound_delta=FRESHNESS_LIMIT),
        ]
        sensor = dg.build_sensor_for_freshness_checks(
            freshness_checks=checks,
            name="freshness_checks_sensor",
            minimum_interval_seconds=15 * 60,
            default_status=dg.DefaultSensorStatus.RUNNING,
        )
    return checks, sensor


AUDIT_SCORES = dg.AssetSpec(
    ["audit", "dq_scores"],
    group_name="quality",
    kinds={"duckdb"},
    description="audit.dq_scores: the share of expectations met per standard and overall, per validation run. "
    "Written by the Great Expectations checks of each run (`make validate` writes it too); the scorecard's "
    "data-quality KPI (marts.scorecard_data_quality) reads this run's score: the scorecard is built after "
    "the marts' checks.",
)


@dg.definitions
def defs() -> dg.Definitions:
    known = known_asset_keys()
    freshness_checks, freshness_sensor = build_freshness_checks()
    # Great Expectations reads the DuckDB warehouse: its checks validate what the DuckDB target built
    gx_checks = (
        [
            build_gx_check(
                "gx_staging_checks",
                gx.STAGING,
                "Great Expectations after the staging layer: entity suites (blocking) and timeliness.",
                known,
            ),
            build_gx_check(
                "gx_marts_checks",
                gx.MARTS,
                "Great Expectations after the marts: mart suites (blocking) and consistency (warnings).",
                known,
            ),
        ]
        if dbt_target().on_duckdb
        else []
    )
    return dg.Definitions(
        assets=[AUDIT_SCORES],
        asset_checks=[*gx_checks, *freshness_checks],
        sensors=[freshness_sensor],
    )
