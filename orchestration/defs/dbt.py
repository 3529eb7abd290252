"""The dbt project through dagster-dbt: every model, seed and snapshot an asset, every dbt test an
asset check, descriptions and columns from the manifest.

The project is built in three steps so the data quality checks can stand between them:
`dbt_staging_layer` (models/staging), `dbt_marts_layer` (intermediate, snapshots, seeds, marts:
every other folder) and `dbt_scorecard_layer` (models/scorecard, the last layer).
The Great Expectations checks on the staging models run after the first step and are blocking, so a
failed completeness or accuracy standard stops the marts from building in that run (see `quality`);
the checks on the marts run before the scorecard, so its data-quality KPI is the score of this run.
Tests are selected with dbt's `buildable` indirect selection: a test runs in the step where all of
its parents are built.

Each materialization carries the table's row count and column types, read in one pass after dbt
finished (it holds the warehouse while it runs), shown on the asset's page. The
warehouse is named on dbt's command line (`orchestration.dbt_flags`); the tests' indirect
selection (`buildable`) is a project flag in dbt_project.yml, which dagster-dbt still overrides
with `empty` when a run selects some of an asset's checks but not others.
"""

from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliInvocation, DbtCliResource, dbt_assets

from orchestration import build_state, duckdb_connect
from orchestration.dbt_flags import for_warehouse, with_vars
from orchestration.dbt_target import dbt_target, spark_sources_dir
from orchestration.defs.partitions import refresh_partitions, run_window_vars
from orchestration.defs.project import (
    dbt_project,
    keep_partial_parse,
    manifest,
    run_target_path,
    run_vars,
    translator,
)
from orchestration.defs.resources import WarehouseResource
from orchestration.settings import SCORECARD_MODELS, Settings

# The first layer: staging, and the reference seeds its base models validate against (ISO codes).
STAGING_PATHS = ("models/staging", "seeds/reference")
# The last: the scorecard, built once GX has scored the marts (its data-quality KPI reads that score).
SCORECARD_PATHS = (SCORECARD_MODELS,)
FIRST_LAYER = "dbt_staging_layer"
MARTS_LAYER = "dbt_marts_layer"
LAST_LAYER = "dbt_scorecard_layer"
COLUMN_SCHEMA = "dagster/column_schema"
ROW_COUNT = "dagster/row_count"
# a built table: its columns with their DuckDB types, and its row count
Table = tuple[list[tuple[str, str]], int]


def layer_selections(nodes: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """op name -> dbt selection: staging with its reference seeds, the scorecard, and every other
    folder holding a model, seed or snapshot (a file at the top of models/ or seeds/ by itself). A
    union of paths, not `--exclude path:models/staging`: an exclusion also drops the tests with a
    staging parent (a relationship to a staging model), whose checks would be lost."""
    selected = set()
    for node in nodes.values():
        if node["resource_type"] not in ("model", "seed", "snapshot"):
            continue
        path = PurePosixPath(node["original_file_path"])
        if any(path.is_relative_to(folder) for folder in (*STAGING_PATHS, *SCORECARD_PATHS)):
            continue
        selected.add("/".join(path.parts[:2]) if len(path.parts) > 2 else str(path))
    return {
        FIRST_LAYER: " ".join(f"path:{folder}" for folder in STAGING_PATHS),
        MARTS_LAYER: " ".join(f"path:{path}" for path in sorted(selected)),
        LAST_LAYER: " ".join(f"path:{folder}" for folder in SCORECARD_PATHS),
    }


def _unique_id(event: Any) -> str | None:
    value = event.metadata.get("unique_id") if isinstance(event, dg.Output | dg.AssetMaterialization) else None
    return getattr(value, "value", value)


def built_tables(warehouse: Path, relations: set[tuple[str, str]]) -> dict[tuple[str, str], Table]:
    """(schema, table) -> its columns with their DuckDB types and its row count, for the relations
    that exist: one read-only connection after dbt exited (dagster-dbt's own fetch opens an adapter
    connection per model; measured +100 s for one full materialization of the tests' dataset)."""
    if not relations or not warehouse.exists():
        return {}
    columns: dict[tuple[str, str], list[tuple[str, str]]] = {}
    with duckdb_connect.connect(str(warehouse), read_only=True) as con:
        for schema, table, column, data_type in con.execute(
            "select table_schema, table_name, column_name, data_type from information_schema.columns "
            "order by table_schema, table_name, ordinal_position"
        ).fetchall():
            if (schema, table) in relations:
                columns.setdefault((schema, table), []).append((column, data_type))
        # the names come from information_schema, i.e. from tables that exist, and are quoted
        return {
            (schema, table): (cols, con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0])
            for (schema, table), cols in columns.items()
        }


def with_table_metadata(event: Any, node: Mapping[str, Any], table: Table | None) -> Any:
    """The event with the table's column types (beside the manifest's descriptions) and row count."""
    if table is None:
        return event
    columns, rows = table
    documented = node.get("columns") or {}
    schema = dg.TableSchema(
        columns=[
            dg.TableColumn(name=name, type=data_type.lower(), description=documented.get(name, {}).get("description"))
            for name, data_type in columns
        ]
    )
    return event.with_metadata({**event.metadata, COLUMN_SCHEMA: schema, ROW_COUNT: dg.MetadataValue.int(rows)})


def _failures(invocation: DbtCliInvocation) -> list[str]:
    try:
        results = invocation.get_artifact("run_results.json").get("results", [])
    except Exception:  # noqa: BLE001 - no artifact when dbt failed before running anything
        return []
    lines = []
    for result in results:
        if result.get("status") in ("error", "fail"):
            message = " ".join((result.get("message") or result["status"]).split())[:300]
            lines.append(f"{result['unique_id']}: {message}")
    return lines


def build_failure(op_name: str, invocation: DbtCliInvocation) -> dg.Failure:
    failures = _failures(invocation)
    return dg.Failure(
        description=f"dbt build failed in {op_name} ({len(failures)} node(s) errored or failed); "
        "nodes downstream of them were skipped by dbt",
        metadata={
            "failures": dg.MetadataValue.md("\n".join(f"- {line}" for line in failures[:50]) or "see the dbt log")
        },
    )


def layer_build_args(settings: Settings, window: Mapping[str, str], full_refresh: bool) -> list[str]:
    """The `dbt build` arguments of one layer. Every layer of a run gets the same vars, a full
    refresh too (it reads neither the test scope nor the window): dbt parses the whole project
    again whenever its vars differ from the last parse's. Unit tests check SQL against fixed
    inputs, not the data: CI and `make run` run them, a scheduled refresh need not (dbt's advice
    for production builds)."""
    args = with_vars(for_warehouse(["build", "--exclude-resource-type", "unit_test"], settings), run_vars(window))
    return [*args, "--full-refresh"] if full_refresh else args


def run_dbt_build(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
) -> Iterator[Any]:
    """`dbt build` of this step's selection (or the subset selected in the UI), on the warehouse of
    the run's resource; each built table's row count and column types are read once dbt exited
    (DuckDB lets no other process open the file while dbt writes)."""
    settings = warehouse.settings()
    op_name = context.op_execution_context.op.name
    target = run_target_path(op_name, context.run.run_id)
    if not dbt_target(dbt.target).on_duckdb:
        yield from run_dbt_build_elsewhere(context, dbt, settings, op_name, target)
        return
    # like the pipeline's build step: `make run` skips its dbt build only after a complete build of
    # what GX validates (staging and marts; publishing refuses a validation older than that build)
    if op_name != LAST_LAYER:
        build_state.forget_build(settings.warehouse_path)
    built_project = build_state.project_digest()
    reason = build_state.full_refresh_reason(settings.warehouse_path)
    window = run_window_vars(context)
    if reason:
        context.log.info(f"full refresh: {reason}")
    elif window:
        context.log.info("deriving again the held rows of the window " + " to ".join(window.values()))
    args = layer_build_args(settings, window, full_refresh=reason is not None)
    invocation = dbt.cli(args, context=context, target_path=target, raise_on_error=False)
    # dbt holds the warehouse until it exits: collect its events, then read the built tables
    events = list(invocation.stream())
    keep_partial_parse(target)
    nodes = manifest()["nodes"]
    built = {_unique_id(e) for e in events if isinstance(e, dg.Output)} - {None}
    relations = {(n["schema"], n.get("alias") or n["name"]): uid for uid, n in nodes.items() if uid in built}
    tables = built_tables(settings.warehouse_path, set(relations))
    table_of = {uid: tables.get(relation) for relation, uid in relations.items()}
    for event in events:
        uid = _unique_id(event) if isinstance(event, dg.Output) else None
        yield with_table_metadata(event, nodes.get(uid, {}), table_of.get(uid)) if uid else event
    if invocation.is_successful():
        if op_name == MARTS_LAYER and not context.is_subset:
            build_state.record_build(settings.warehouse_path, built=built_project)
        return
    raise build_failure(op_name, invocation)


def run_dbt_build_elsewhere(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, settings: Settings, op_name: str, target: Path
) -> Iterator[Any]:
    """`dbt build` of this step on another engine (Spark): the landed sources, which live in the
    DuckDB warehouse, exported as Parquet before the first layer (the on-run-start hook registers
    them); every model built whole and every test reading every row (the incremental state and the
    tested-build stamps are the DuckDB warehouse's); no table metadata (read from DuckDB)."""
    if op_name == FIRST_LAYER:
        from orchestration.spark.export import export_sources

        exported = export_sources(settings.warehouse_path, spark_sources_dir())
        context.log.info(f"{len(exported)} source tables exported for {dbt.target} to {spark_sources_dir()}")
    # a partition's window needs no vars: every model is built whole
    args = ["build", "--exclude-resource-type", "unit_test"]
    invocation = dbt.cli(args, context=context, target_path=target, raise_on_error=False)
    yield from invocation.stream()
    keep_partial_parse(target)
    if not invocation.is_successful():
        raise build_failure(op_name, invocation)


def build_dbt_assets() -> list[dg.AssetsDefinition]:
    built = []
    for name, select in layer_selections(manifest()["nodes"]).items():

        @dbt_assets(
            manifest=manifest(),
            select=select,
            name=name,
            dagster_dbt_translator=translator(),
            project=dbt_project(),
            partitions_def=refresh_partitions(),
            backfill_policy=dg.BackfillPolicy.single_run(),
        )
        def layer_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
            yield from run_dbt_build(context, dbt, warehouse)

        built.append(layer_assets)
    return built


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=build_dbt_assets())
