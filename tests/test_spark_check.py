"""`make spark-check` as a test: the project built on DuckDB and on Spark from the same landed
data, every table of the marts schema and the snapshot equal (orchestration/spark/check.py);
and Dagster building the dbt assets on Spark (DBT_TARGET=spark).

Selected only with `-m spark` (`make spark-check`; `DATASETS=golden` selects `-k golden`): it
needs pyspark, dbt-spark and Java 17+, and takes minutes. `make test` leaves it out
(pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.spark.check import DATASETS, check_dataset, format_report, require_java

pytestmark = pytest.mark.spark


@pytest.mark.parametrize("dataset", DATASETS)
def test_every_mart_is_equal_on_duckdb_and_spark(dataset: str, tmp_path: Path) -> None:
    require_java()
    report = check_dataset(dataset, tmp_path)
    print(format_report(report))
    assert report.passed, format_report(report)


def test_dagster_materializes_the_dbt_assets_on_spark(tmp_path: Path) -> None:
    """DBT_TARGET=spark: a Dagster run lands the golden dataset into DuckDB, exports the sources
    and builds every dbt asset on Spark, every dbt test check green; the marts are Spark tables."""
    import shutil

    import dagster as dg

    from orchestration.defs.partitions import refresh_partitions
    from orchestration.spark.check import GOLDEN_LANDING, spark_environment
    from test_dagster_defs import tmp_environment  # tests/ is on sys.path

    require_java()
    env = {**tmp_environment(tmp_path), **spark_environment(tmp_path), "DBT_TARGET": "spark"}
    shutil.copytree(GOLDEN_LANDING, env["LANDING_DIR"])
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        from orchestration.definitions import defs as load

        defs = load()
        with dg.DagsterInstance.ephemeral() as instance:
            job = defs.resolve_implicit_global_asset_job_def()
            result = job.execute_in_process(
                instance=instance, partition_key=refresh_partitions().get_last_partition_key(), raise_on_error=False
            )
    failures = [e.event_specific_data.error.message[:800] for e in result.all_events if e.is_step_failure]
    assert result.success, "\n".join(failures)
    materialized = {
        e.event_specific_data.materialization.asset_key.to_user_string()
        for e in result.all_events
        if e.event_type_value == "ASSET_MATERIALIZATION"
    }
    assert {"staging/stg_marketplace__orders", "marts/fct_orders", "marts/kpi_scorecard"} <= materialized
    checks = [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    failed = [f"{c.asset_key.to_user_string()}:{c.check_name}" for c in checks if not c.passed]
    assert checks and not [name for name in failed if "freshness" not in name], failed
    assert (Path(env["SPARK_WAREHOUSE_DIR"]) / "marts.db" / "fct_orders").is_dir()
