"""DBT_TARGET: which profiles.yml output Dagster's dbt runs on, and what that leaves out on Spark
(orchestration/dbt_target.py). The definitions load; nothing is materialized here."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from orchestration.dbt_target import DbtTarget, dbt_target, profile_outputs, resolve_target, spark_sources_dir
from orchestration.settings import PROJECT_DIR

OUTPUTS = {"dev": "duckdb", "spark": "spark"}


def test_the_project_profile_has_a_duckdb_and_a_spark_output() -> None:
    assert dbt_target(environ={}) == DbtTarget("dev", "duckdb")
    assert dbt_target("spark") == DbtTarget("spark", "spark")
    assert profile_outputs({"elearning_kpi": {"outputs": {"dev": {"type": "duckdb"}}}}) == {"dev": "duckdb"}


def test_an_unset_or_blank_target_is_dev_and_an_unknown_one_is_refused_by_name() -> None:
    assert resolve_target(None, OUTPUTS).on_duckdb
    assert resolve_target("  ", OUTPUTS).name == "dev"
    assert not resolve_target("spark", OUTPUTS).on_duckdb
    refused = r"DBT_TARGET='prod' is not an output of profiles.yml: choose one of dev, spark"
    with pytest.raises(ValueError, match=refused):
        resolve_target("prod", OUTPUTS)


def test_spark_sources_are_exported_where_the_profile_reads_them() -> None:
    assert spark_sources_dir({}) == PROJECT_DIR / "data/spark/sources"
    assert spark_sources_dir({"SPARK_SOURCES_DIR": "/data/sources"}) == Path("/data/sources")


def _definitions(target: str, root: Path) -> dg.Definitions:
    from tests.test_dagster_defs import tmp_environment

    with pytest.MonkeyPatch.context() as patch:
        for name, value in {**tmp_environment(root), "DBT_TARGET": target}.items():
            patch.setenv(name, value)
        from orchestration.definitions import defs as load

        return load()


def _check_ops(repo) -> dict[str, int]:
    """op name -> the checks it runs (dbt's layers, Great Expectations', freshness)."""
    ops: dict[str, int] = {}
    for assets in repo.asset_graph.assets_defs:
        if assets.check_specs:
            ops[assets.node_def.name] = ops.get(assets.node_def.name, 0) + len(list(assets.check_specs))
    return ops


def _groups(repo) -> dict[str, int]:
    graph = repo.asset_graph
    groups: dict[str, int] = {}
    for key in graph.get_all_asset_keys():
        groups[graph.get(key).group_name] = groups.get(graph.get(key).group_name, 0) + 1
    return groups


def test_on_spark_the_dbt_assets_stay_and_what_reads_duckdb_marts_goes(tmp_path: Path) -> None:
    """The same dbt assets and dbt test checks on either target; on Spark no Great Expectations
    check, alert, publish or report (they read the DuckDB warehouse, which Spark does not build)
    and no report job; the dbt resource names the target."""
    duck_defs, spark_defs = _definitions("dev", tmp_path), _definitions("spark", tmp_path)
    duck, spark = duck_defs.get_repository_def(), spark_defs.get_repository_def()

    duck_groups, spark_groups = _groups(duck), _groups(spark)
    assert {"reports", "alerts", "serving"} <= set(duck_groups)
    assert not {"reports", "alerts", "serving"} & set(spark_groups)
    for layer in ("landing", "staging", "intermediate", "marts", "quality"):
        assert spark_groups[layer] == duck_groups[layer], layer

    duck_checks, spark_checks = _check_ops(duck), _check_ops(spark)
    assert duck_checks["gx_staging_checks"] and duck_checks["gx_marts_checks"]
    assert not any(op.startswith("gx_") for op in spark_checks)
    for layer in ("dbt_staging_layer", "dbt_marts_layer", "dbt_scorecard_layer"):
        assert spark_checks[layer] == duck_checks[layer], layer

    assert {job.name for job in spark.get_all_jobs()} == {"__ASSET_JOB", "warehouse_refresh"}
    assert spark_defs.resources["dbt"].target == "spark"
    assert duck_defs.resources["dbt"].target == "dev"
