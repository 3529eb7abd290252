"""Publishing: the marts (and the audit trail) copied to the serving file readers use, then
exported to Parquet (`orchestration.serving.publish_step`, what the pipeline's publish step runs).

`serving/published_marts` depends on every mart, so it runs only after the marts and their blocking
checks passed in the same run; the publish itself also refuses a warehouse whose latest validation
failed a critical expectation or is older than its last build, and then leaves the serving file as it was.
"""

import dagster as dg

from orchestration.dbt_target import dbt_target
from orchestration.defs.project import model_keys
from orchestration.defs.resources import WarehouseResource
from orchestration.serving.publish import PublishError, publish_step

PUBLISHED_KEY = dg.AssetKey(["serving", "published_marts"])


def build_publish_asset() -> dg.AssetsDefinition:
    @dg.asset(
        key=PUBLISHED_KEY,
        deps=model_keys("marts"),
        group_name="serving",
        kinds={"duckdb", "parquet"},
        description="Write-audit-publish: the marts and audit schemas of the warehouse copied to SERVING_PATH "
        "(a read-only DuckDB file for dashboards and BI tools) and exported to Parquet in EXPORT_DIR, "
        "only when the build passed its blocking data quality checks.",
    )
    def published_marts(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        settings = warehouse.settings()
        try:
            result = publish_step(settings, run_id=context.run.run_id)
        except PublishError as error:
            raise dg.Failure(description=str(error)) from None
        metadata: dict[str, object] = {
            "publish_id": result.publish_id,
            "serving file": dg.MetadataValue.path(str(result.serving_path)),
            "tables": len(result.row_counts),
            "rows": sum(result.row_counts.values()),
            "dq run": result.dq_run_id or "none",
            "dq score": result.dq_score if result.dq_score is not None else float("nan"),
            "data as of": result.data_as_of.isoformat() if result.data_as_of else "unknown",
        }
        if result.export is not None:
            metadata["parquet export"] = dg.MetadataValue.path(str(result.export.export_dir))
        for warning in result.warnings:
            context.log.warning(warning)
        return dg.MaterializeResult(metadata=metadata)

    return published_marts


@dg.definitions
def defs() -> dg.Definitions:
    # publishes the DuckDB warehouse's marts: on another target BI reads that engine (docs/scaling.md)
    return dg.Definitions(assets=[build_publish_asset()] if dbt_target().on_duckdb else [])
