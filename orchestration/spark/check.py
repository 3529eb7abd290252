"""`make spark-check`: the dbt project built on DuckDB and on Spark from the same landed data, and
every table of the marts schema (the marts, the scorecard, the seeds they read) compared row by
row (orchestration/spark/compare.py).

Per dataset, under `--workdir` (default data/spark-check):
1. the dataset landed into a DuckDB warehouse and `dbt build` there (the `dev` target);
2. the sources exported as Parquet (orchestration/spark/export.py);
3. `dbt build --target spark` in a local Spark session whose warehouse, metastore and sources
   are folders of the workdir (absolute paths, whatever the working directory);
4. each marts table read from Spark through Arrow and compared with DuckDB's;
5. the snapshot's second run: a course's price changed in its input on both engines, `dbt
   snapshot` again, the two snapshots compared (the closed version, the new one);
6. a model incremental by partition run again after its input changed, on both engines
   (orchestration/spark/partition_check.py): equal results, and on Spark only the partitions of
   the days touched rewritten;
7. four entities' base models (incremental by key, on Spark partitioned by landing run) and the
   chains after them (on Spark partitioned by the run that wrote a row) run again after new and
   re-sent files land on both engines, twice (orchestration/spark/landing_check.py): equal
   results, and on Spark a new partition per model and landing, the partitions holding re-sent
   or superseded rows rewritten, no other; with them the sessions' quarantine (partitioned by
   landing run), which an orphan session enters with the first landing and leaves with the second,
   which brings its student.

Datasets: `golden` (tests/golden/landing, the hand-computed one), `small` (the generator at
scale 0.01, the test suite's small dataset) and, for measuring, `scale-<scale>` (e.g. scale-0.25).
Exit status 1 when a build fails or a table differs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from orchestration.duckdb_connect import connect
from orchestration.settings import PROJECT_DIR, Settings
from orchestration.spark.compare import TableComparison, compare_relations
from orchestration.spark.export import export_sources
from orchestration.spark.landing_check import check_landed_batches
from orchestration.spark.partition_check import check_partition_overwrite
from orchestration.spark.tables import rewrite_table

DATASETS = ("golden", "small")
MINIMUM_JAVA = 17  # Spark 4
GOLDEN_LANDING = PROJECT_DIR / "tests" / "golden" / "landing"
COMPARED_SCHEMA = "marts"
SNAPSHOT = "snap_course_list_prices"
PRICES = "int_course_list_prices"  # the snapshot's input


@dataclass(frozen=True)
class EngineRun:
    engine: str
    success: bool
    seconds: float
    failures: tuple[str, ...]


@dataclass(frozen=True)
class DatasetReport:
    dataset: str
    runs: tuple[EngineRun, ...]
    tables: tuple[TableComparison, ...]

    @property
    def passed(self) -> bool:
        return all(run.success for run in self.runs) and bool(self.tables) and all(t.equal for t in self.tables)


def java_major_version(version_output: str) -> int | None:
    """The major version in `java -version`'s output: `openjdk version "17.0.9"` is 17, the old
    `java version "1.8.0_392"` is 8; None when there is none."""
    found = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if found is None:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major


def require_java() -> None:
    try:
        completed = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise SystemExit(
            f"spark-check: no `java` on PATH: Spark 4 needs Java {MINIMUM_JAVA}+ (make spark-check installs "
            "default-jre-headless with apt when it runs as root)"
        ) from None
    major = java_major_version(completed.stderr + completed.stdout)
    if major is None or major < MINIMUM_JAVA:
        raise SystemExit(
            f"spark-check: Spark 4 needs Java {MINIMUM_JAVA}+; `java -version` says: {completed.stderr.strip()}"
        )


def spark_environment(root: Path) -> dict[str, str]:
    """The Spark target's folders (profiles.yml) under `root`, absolute."""
    spark = root.resolve() / "spark"
    return {
        "SPARK_WAREHOUSE_DIR": str(spark / "warehouse"),
        "SPARK_METASTORE_DIR": str(spark / "metastore"),
        "SPARK_SOURCES_DIR": str(spark / "sources"),
        # the comparison reads each marts table whole through Arrow (fct_sessions at scale 0.25:
        # 1.1 GB, over Spark's default 1g)
        "SPARK_DRIVER_MAX_RESULT_SIZE": "0",
        # two incremental base models planned at once hold their inlined plans in the driver's
        # heap: at the profile's 2g, pages failed to allocate and each took 80-120 s
        "SPARK_DRIVER_MEMORY": os.environ.get("SPARK_DRIVER_MEMORY", "4g"),
    }


def generated_scale(dataset: str) -> float | None:
    """The generator's scale of a dataset name: `small` is 0.01, `scale-0.25` 0.25; None for
    `golden` (hand-made files). Any other name is an error."""
    if dataset == "golden":
        return None
    if dataset == "small":
        return 0.01
    found = re.fullmatch(r"scale-(\d+(?:\.\d+)?)", dataset)
    if found is None or float(found.group(1)) <= 0:
        raise ValueError(f"unknown dataset {dataset!r}: golden, small or scale-<scale> (e.g. scale-0.25)")
    return float(found.group(1))


def land_dataset(dataset: str, settings: Settings) -> None:
    scale = generated_scale(dataset)
    if scale is None:
        shutil.copytree(GOLDEN_LANDING, settings.landing_dir)
    else:
        from orchestration.datagen.config import GeneratorConfig
        from orchestration.datagen.generator import generate

        generate(GeneratorConfig(scale=scale, seed=11, end_date=date(2026, 11, 1), out_dir=settings.landing_dir))
    land_new_files(settings, f"the {dataset} dataset")


def land_new_files(settings: Settings, what: str) -> None:
    """The landing dir's files not landed yet into DuckDB's raw tables; a refused file stops the check."""
    from orchestration.landing import land

    report = land(settings.landing_dir, settings.warehouse_path)
    if report.failed:
        raise SystemExit(f"spark-check: landing {what} failed: {report.failed}")


def export_for_spark(settings: Settings, root: Path) -> None:
    """DuckDB's source tables as the Parquet folders the Spark target registers."""
    export_sources(settings.warehouse_path, Path(spark_environment(root)["SPARK_SOURCES_DIR"]))


@contextlib.contextmanager
def read_warehouse(settings: Settings) -> Iterator[Any]:
    """The DuckDB warehouse read-only, timestamps shown in UTC as Spark's session shows them."""
    with connect(settings.warehouse_path, read_only=True, settings=settings) as con:
        con.execute("set TimeZone = 'UTC'")
        yield con


def build_duckdb(settings: Settings, root: Path, args: Sequence[str] = ("build",)) -> EngineRun:
    from orchestration.dbt_runner import run_dbt

    started = time.perf_counter()
    summary = run_dbt([*args], settings, target_path=root / "target-duckdb", log_path=root / "logs-duckdb")
    return EngineRun(f"duckdb ({args[0]})", summary.success, time.perf_counter() - started, tuple(summary.failures))


def drop_earlier_datasets() -> None:
    """Every schema an earlier dataset of this process built on Spark dropped. The Spark session
    dbt starts outlives a dbt invocation (and its warehouse and metastore folders are fixed when it
    starts): without this, the next dataset's snapshot would merge into the last one's."""
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    if SparkContext._active_spark_context is None:
        return
    spark = SparkSession.builder.getOrCreate()
    for database in spark.catalog.listDatabases():
        if database.name != "default":
            spark.sql(f"drop database `{database.name}` cascade")


def build_spark(root: Path, args: Sequence[str] = ("build",)) -> EngineRun:
    from dbt.cli.main import dbtRunner

    from orchestration.dbt_runner import location_flags

    os.environ.update(spark_environment(root))
    started = time.perf_counter()
    location = location_flags(PROJECT_DIR, root / "target-spark", root / "logs-spark")
    # Spark's Derby metastore writes derby.log into the working directory
    with contextlib.chdir(root):
        result = dbtRunner().invoke([*args, "--target", "spark", *location])
    failures = [str(result.exception)] if result.exception is not None else []
    for node_result in getattr(result.result, "results", None) or []:
        if str(node_result.status) in ("error", "fail"):
            message = " | ".join(line.strip() for line in (node_result.message or "").splitlines()[:4])
            failures.append(f"{node_result.node.resource_type} {node_result.node.name}: {message}")
    return EngineRun(f"spark ({args[0]})", result.success, time.perf_counter() - started, tuple(failures))


def change_a_price_and_snapshot(settings: Settings, root: Path) -> tuple[list[EngineRun], TableComparison]:
    """The snapshot's second run, where a version closes: the first course's price goes up by 1 a
    day after its current price took effect, in the snapshot's input on both engines; `dbt
    snapshot` runs again on each and the snapshots are compared."""
    from pyspark.sql import SparkSession

    prices = f"intermediate.{PRICES}"
    moved = {
        "price_effective_at": "case when course_id = '{id}' then price_effective_at + interval 1 day "
        "else price_effective_at end",
        "list_price": "case when course_id = '{id}' then list_price + 1 else list_price end",
    }
    with connect(settings.warehouse_path, settings=settings) as con:
        (course_id,) = con.execute(f"select min(course_id) from {prices}").fetchone()
        changes = ", ".join(f"{column} = {value.format(id=course_id)}" for column, value in moved.items())
        con.execute(f"update {prices} set {changes}")
    runs = [build_duckdb(settings, root, ("snapshot", "--select", SNAPSHOT))]

    spark = SparkSession.builder.getOrCreate()
    columns = [moved.get(c, "{c}").format(id=course_id, c=c) + f" as {c}" for c in spark.table(prices).columns]
    rewrite_table(spark, prices, ", ".join(columns))
    runs.append(build_spark(root, ("snapshot", "--select", SNAPSHOT)))

    with read_warehouse(settings) as con:
        compared = compare_with_spark_table(con, spark, "intermediate", SNAPSHOT)
        (versions,) = con.execute(
            f"select count(*) from intermediate.{SNAPSHOT} where course_id = ?", [course_id]
        ).fetchone()
    if versions != 2:
        compared = TableComparison(
            compared.table, compared.rows, (*compared.differences, f"{course_id}: {versions} versions, not 2")
        )
    return runs, compared


def compare_with_spark(settings: Settings) -> list[TableComparison]:
    """Every table of the marts schema, DuckDB's against the Spark session's (the one dbt left)."""
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.getOrCreate()
    comparisons = []
    with read_warehouse(settings) as con:
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = ? order by 1",
                [COMPARED_SCHEMA],
            ).fetchall()
        ]
        for table in tables:
            if not spark.catalog.tableExists(f"{COMPARED_SCHEMA}.{table}"):
                comparisons.append(TableComparison(table, (0, 0), ("not built on Spark",)))
                continue
            comparisons.append(compare_with_spark_table(con, spark, COMPARED_SCHEMA, table))
    return comparisons


def compare_engines_table(settings: Settings, schema: str, table: str) -> TableComparison:
    from pyspark.sql import SparkSession

    with read_warehouse(settings) as con:
        return compare_with_spark_table(con, SparkSession.builder.getOrCreate(), schema, table)


def compare_with_spark_table(con: Any, spark: Any, schema: str, table: str) -> TableComparison:
    """One table, DuckDB's (on `con`) against the Spark session's, read through Arrow."""
    con.register("spark_side", spark.table(f"{schema}.{table}").toArrow())
    try:
        return compare_relations(con, table, f'{schema}."{table}"', "spark_side")
    finally:
        con.unregister("spark_side")


def check_dataset(dataset: str, workdir: Path) -> DatasetReport:
    root = workdir / dataset
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    settings = Settings.under(root)
    land_dataset(dataset, settings)
    duck = build_duckdb(settings, root)
    export_for_spark(settings, root)
    drop_earlier_datasets()
    spark = build_spark(root)
    if not duck.success:
        return DatasetReport(dataset, (duck, spark), ())
    tables = compare_with_spark(settings)
    snapshots, snapshot = change_a_price_and_snapshot(settings, root)
    partition_runs, partitions = check_partition_overwrite(
        settings,
        lambda args: build_duckdb(settings, root, args),
        lambda args: build_spark(root, args),
        lambda schema, table: compare_engines_table(settings, schema, table),
    )
    landing_runs, landings = check_landed_batches(
        settings,
        lambda: land_and_export(settings, root),
        lambda args: build_duckdb(settings, root, args),
        lambda args: build_spark(root, args),
        lambda schema, table: compare_engines_table(settings, schema, table),
    )
    return DatasetReport(
        dataset,
        (duck, spark, *snapshots, *partition_runs, *landing_runs),
        (*tables, snapshot, *partitions, *landings),
    )


def land_and_export(settings: Settings, root: Path) -> None:
    """The landing dir's new files into DuckDB's raw tables, and the raw tables to Spark again."""
    land_new_files(settings, "the new files")
    export_for_spark(settings, root)


def format_report(report: DatasetReport) -> str:
    lines = [f"== {report.dataset}: {'equal on both engines' if report.passed else 'DIFFERENT'}"]
    for run in report.runs:
        lines.append(f"   dbt build on {run.engine}: {'ok' if run.success else 'FAILED'} in {run.seconds:.1f} s")
        lines += [f"      {failure}" for failure in run.failures[:10]]
    equal = [t for t in report.tables if t.equal]
    lines.append(
        f"   {len(equal)} of {len(report.tables)} tables equal "
        f"(the {COMPARED_SCHEMA} schema, the snapshot, the partition run, the landings)"
    )
    for table in report.tables:
        if not table.equal:
            lines.append(f"   {table.table}: rows {table.rows[0]} (duckdb) / {table.rows[1]} (spark)")
            if table.missing_columns:
                lines.append(f"      columns missing on Spark: {', '.join(table.missing_columns)}")
            lines += [f"      {difference}" for difference in table.differences]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--datasets", default=",".join(DATASETS), help="comma-separated: golden, small, scale-<scale> (e.g. scale-0.25)"
    )
    parser.add_argument("--workdir", type=Path, default=PROJECT_DIR / "data" / "spark-check")
    args = parser.parse_args(argv)
    datasets = [d.strip() for d in args.datasets.split(",") if d.strip()]
    for dataset in datasets:
        try:
            generated_scale(dataset)
        except ValueError as error:
            parser.error(str(error))
    require_java()
    reports = [check_dataset(dataset, args.workdir.resolve()) for dataset in datasets]
    for report in reports:
        print(format_report(report))
    return 0 if all(r.passed for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
