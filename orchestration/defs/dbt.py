"""The dbt project through dagster-dbt: every model, seed and snapshot an asset, every dbt test an
asset check, descriptions and columns from the manifest.

The project is built in two steps so the data quality checks can stand between them:
`dbt_staging_layer` (models/staging) and `dbt_marts_layer` (intermediate, snapshots, seeds, marts:
every other folder).
The Great Expectations checks on the staging models run after the first step and are blocking, so a
failed completeness or accuracy standard stops the marts from building in that run (see `quality`).
Tests are selected with dbt's `buildable` indirect selection: a test runs in the step where all of
its parents are built.

After dbt finished (it holds the warehouse while it runs) each materialization gets the table's
actual column types and row count from DuckDB, shown on the asset's page.
"""


import contextlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration import build_state
from orchestration.defs.project import dbt_project, keep_partial_parse, manifest, run_target_path, translator
from orchestration.defs.resources import WarehouseResource

# The first layer: staging, and the reference seeds its base models validate against (ISO codes).
STAGING_PATHS = ("models/staging", "seeds/reference")
LAST_LAYER = "dbt_marts_layer"


def layer_selections(nodes: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """op name -> dbt selection: staging with its reference seeds, and every other folder holding
    a model, seed or snapshot (a file at the top of models/ or seeds/ by itself). A union of paths,
    not `--exclude path:models/staging`: an exclusion also drops the tests with a staging parent (a
    relationship to a staging model), whose checks would be lost."""
    selected = set()
    for node in nodes.values():
        if node["resource_type"] not in ("model", "seed", "snapshot"):
            continue
        path = PurePosixPath(node["original_file_path"])
        if any(path.is_relative_to(folder) for folder in STAGING_PATHS):
            continue
        selected.add("/".join(path.parts[:2]) if len(path.parts) > 2 else str(path))
    return {
        "dbt_staging_layer": " ".join(f"path:{folder}" for folder in STAGING_PATHS),
        LAST_LAYER: " ".join(f"path:{path}" for path in sorted(selected)),
    }


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Set environment variables for the dbt subprocess started inside the block."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _tables(warehouse: Path, relations: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[list[tuple[str, str]], int]]:
    """(schema, table) -> (columns with their DuckDB types, row count), for the relations that exist."""
    if not relations or not warehouse.exists():
        return {}
    found: dict[tuple[str, str], tuple[list[tuple[str, str]], int]] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for schema, table, column, data_type in con.execute(
            "select table_schema, table_name, column_name, data_type from information_schema.columns "
            "order by table_schema, table_name, ordinal_position"
        ).fetchall():
            if (schema, table) in relations:
                columns.setdefault((schema, table), []).append((column, data_type))
        for (schema, table), cols in columns.items():
            (count,) = con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()
            found[(schema, table)] = (cols, count)
    return found


def _with_table_metadata(event: dg.Output, node: Mapping[str, Any], table: tuple[list[tuple[str, str]], int] | None) -> dg.Output:
    if table is None:
        return event
    columns, rows = table
    documented = node.get("columns") or {}
    schema = dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=name, type=data_type.lower(), description=(documented.get(name) or {}).get("description")
            )
            for name, data_type in columns
        ]
    )
    return event.with_metadata(
        {**event.metadata, "dagster/column_schema": schema, "dagster/row_count": dg.MetadataValue.int(rows)}
    )


def _unique_id(event: dg.Output) -> str | None:
    value = event.metadata.get("unique_id")
    return getattr(value, "value", value)


def _failures(invocation: Any) -> list[str]:
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


def run_dbt_build(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource) -> Iterator[Any]:
    """`dbt build` of this step's selection (or the subset selected in the UI)."""
    settings = warehouse.settings()
    op_name = context.op_execution_context.op.name
    target = run_target_path(op_name, context.run.run_id)
    # like the pipeline's build step: `make run` skips its dbt build only after a complete build
    build_state.forget_build(settings.warehouse_path)
    with _environment(
        WAREHOUSE_PATH=str(settings.warehouse_path),
        DBT_INDIRECT_SELECTION=os.environ.get("DBT_INDIRECT_SELECTION", "buildable"),
    ):
        invocation = dbt.cli(["build"], context=context, target_path=target, raise_on_error=False)
    # dbt holds the warehouse until it exits: collect its events, then read the built tables' types.
    events = list(invocation.stream())
    keep_partial_parse(target)
    nodes = manifest()["nodes"]
    outputs = [e for e in events if isinstance(e, dg.Output)]
    unique_ids = {_unique_id(e) for e in outputs} - {None}
    relations = {(n["schema"], n.get("alias") or n["name"]): uid for uid, n in nodes.items() if uid in unique_ids}
    tables = _tables(settings.warehouse_path, set(relations))
    table_of = {uid: tables.get(relation) for relation, uid in relations.items()}
    for event in events:
        uid = _unique_id(event) if isinstance(event, dg.Output) else None
        if uid:
            event = _with_table_metadata(event, nodes.get(uid, {}), table_of.get(uid))
        yield event
    if invocation.is_successful():
        if op_name == LAST_LAYER and not context.is_subset:
            build_state.record_build(settings.warehouse_path)
        return
    failures = _failures(invocation)
    raise dg.Failure(
        description=f"dbt build failed in {op_name} ({len(failures)} node(s) errored or failed); "
        "nodes downstream of them were skipped by dbt",
        metadata={
            "failures": dg.MetadataValue.md("\n".join(f"- {line}" for line in failures[:50]) or "see the dbt log")
        },
    )


def build_dbt_assets() -> list[dg.AssetsDefinition]:
    built = []
    for name, select in layer_selections(manifest()["nodes"]).items():

        @dbt_assets(
            manifest=manifest(),
            select=select,
            name=name,
            dagster_dbt_translator=translator(),
            project=dbt_project(),
        )
        def layer_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
            yield from run_dbt_build(context, dbt, warehouse)

        built.append(layer_assets)
    return built


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=build_dbt_assets())
