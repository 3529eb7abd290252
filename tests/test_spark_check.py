"""`make spark-check` as a test: the project built on DuckDB and on Spark from the same landed
data, every table of the marts schema and the snapshot equal (orchestration/spark/check.py).

Selected only with `-m spark` (`make spark-check`, a step of `.ci/run` of its own): it needs
pyspark, dbt-spark and Java 17+, and takes minutes. `make test` leaves it out (pyproject.toml).
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
