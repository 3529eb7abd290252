"""The landing step: new files of LANDING_DIR into the `raw` schema, one asset per source system.

`orchestration.landing.land` (what `make land` runs) lands every new file in one pass, so the
five source assets (`raw/marketplace`, `raw/billing`, ...) and the load ledger materialize
together. A source asset's `dagster/last_updated_timestamp` is when a file of that source last
landed (from the ledger), so the 24-hour freshness check judges the data's arrival, not just the
run. The landing suite of Great Expectations (every landed file is in the ledger) runs in the same
step and blocks everything downstream when it fails.
"""


from collections import defaultdict
from datetime import UTC

import dagster as dg

from orchestration import duckdb_connect
from orchestration.contracts import ENTITIES, SOURCES
from orchestration.defs import gx
from orchestration.defs.partitions import refresh_partitions
from orchestration.defs.resources import WarehouseResource
from orchestration.landing import FileResult, land
from orchestration.landing.loader import LandingError
from orchestration.mapping import MappingError, load_mappings

GROUP = "landing"


def source_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", source])


def _source_description(source: str) -> str:
    tables = [e for e in ENTITIES if e.source == source]
    lines = [f"Source system **{source}**, landed as it arrived into the raw schema (all text, plus "
             "_loaded_at, _source_file, _batch_id, _row_number):", ""]
    lines += [f"- `raw.{e.name}`: {e.description} (`{source}/{e.name}/*.csv`, {e.layout})" for e in tables]
    return "\n".join(lines)


def _table_schema(source: str) -> dg.TableSchema:
    """The landed tables of a source and their contract columns, as one schema for the UI."""
    columns = []
    for entity in (e for e in ENTITIES if e.source == source):
        for column in entity.columns:
            columns.append(
                dg.TableColumn(
                    name=f"{entity.name}.{column.name}",
                    type=f"varchar ({column.type})",
                    description=column.description,
                    constraints=dg.TableColumnConstraints(nullable=not column.required),
                )
            )
    return dg.TableSchema(columns=columns)


SOURCE_SPECS = [
    dg.AssetSpec(
        source_key(source),
        group_name=GROUP,
        description=_source_description(source),
        kinds={"duckdb", "csv"},
        metadata={"dagster/column_schema": _table_schema(source)},
    )
    for source in SOURCES
]
LEDGER_SPEC = dg.AssetSpec(
    gx.LEDGER_KEY,
    group_name=GROUP,
    description="raw.load_ledger: one row per landing attempt of a file (path, checksum, status "
    "loaded/failed, rows, error); a file is landed once per checksum.",
    kinds={"duckdb"},
)


def _newest_loads(warehouse: str) -> dict[str, float]:
    """Per source, when its newest file landed (epoch seconds, UTC)."""
    with duckdb_connect.connect(warehouse, read_only=True) as con:
        rows = con.execute(
            "select source_name, max(finished_at) from raw.load_ledger where status = 'loaded' group by source_name"
        ).fetchall()
    return {source: newest.replace(tzinfo=UTC).timestamp() for source, newest in rows if source and newest}


def landing_checks() -> list[gx.GxCheck]:
    return gx.gx_checks([gx.LANDING], known_keys={gx.LEDGER_KEY})


def build_land_asset() -> dg.AssetsDefinition:
    checks = landing_checks()

    @dg.multi_asset(
        name="land_sources",
        specs=[*SOURCE_SPECS, LEDGER_SPEC],
        check_specs=[c.spec() for c in checks],
        # every new file lands whatever the partition (see `partitions`): one run for a backfill
        partitions_def=refresh_partitions(),
        backfill_policy=dg.BackfillPolicy.single_run(),
        description="Land new landing files into raw (orchestration.landing.land), then validate the ledger.",
    )
    def land_sources(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        settings = warehouse.settings()

        def progress(index: int, total: int, result: FileResult) -> None:
            # per file to stdout (the step's compute log), not as events: hundreds of files
            if result.status == "loaded":
                print(f"[{index}/{total}] {result.file}: {result.rows:,} rows", flush=True)
            elif result.status == "failed":
                context.log.warning(
                    f"[{index}/{total}] REFUSED {result.error} (about {result.estimated_rows:,} rows missing)"
                )

        context.log.info(f"landing {settings.landing_dir} -> {settings.warehouse_path}")
        try:
            report = land(
                settings.landing_dir,
                settings.warehouse_path,
                on_file=progress,
                mappings=load_mappings(settings.mapping_dir),
            )
        except FileNotFoundError as error:  # no landing dir: say how to get data
            raise dg.Failure(description=f"{error} (make data generates a dataset)") from None
        except (LandingError, MappingError) as error:
            raise dg.Failure(description=str(error)) from None
        context.log.info(
            f"files: {report.count('loaded')} loaded, {report.count('skipped')} already loaded, "
            f"{report.count('failed')} failed"
        )
        newest = _newest_loads(str(settings.warehouse_path))
        by_source: dict[str, list[FileResult]] = defaultdict(list)
        source_of = {e.name: e.source for e in ENTITIES}
        for result in report.results:
            by_source[source_of.get(result.entity, "unknown")].append(result)
        for source in SOURCES:
            results = by_source.get(source, [])
            metadata: dict[str, object] = {
                "files loaded": sum(r.status == "loaded" for r in results),
                "files already loaded": sum(r.status == "skipped" for r in results),
                "files failed": sum(r.status == "failed" for r in results),
                "rows landed": sum(r.rows for r in results),
                **{f"raw.{e.name} rows": report.raw_rows.get(e.name, 0) for e in ENTITIES if e.source == source},
            }
            failed = [r.error or r.file for r in results if r.status == "failed"]
            if failed:
                metadata["failed files"] = dg.MetadataValue.md("\n".join(f"- {line}" for line in failed[:50]))
            if source in newest:
                metadata["dagster/last_updated_timestamp"] = dg.MetadataValue.timestamp(newest[source])
            yield dg.MaterializeResult(asset_key=source_key(source), metadata=metadata)
        yield dg.MaterializeResult(
            asset_key=gx.LEDGER_KEY,
            metadata={
                "files loaded": report.count("loaded"),
                "files already loaded": report.count("skipped"),
                "files failed": report.count("failed"),
                "landing run": report.run_id,
            },
        )
        if report.failed:
            context.log.warning(
                f"{len(report.failed)} file(s) refused whole and recorded as failed in raw.load_ledger "
                "(the other files landed): " + "; ".join(r.error or r.file for r in report.failed[:10])
            )
        selected = [c for c in checks if c.key in context.selected_asset_check_keys]
        rows = gx.run_gx(settings, gx.dq_run_id(context.run.run_id), selected)
        for check in selected:
            yield check.result(rows, gx.dq_run_id(context.run.run_id))

    return land_sources


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=[build_land_asset()])
