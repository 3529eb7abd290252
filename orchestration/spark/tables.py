"""What spark-check does to Spark tables besides building them: rewrite one as a query of itself
(the input changes its checks plant) and find its folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def rewrite_table(spark: Any, table: str, select: str, where: str = "true") -> None:
    """`table` replaced by `select <select> from <table> where <where>`. Spark refuses to overwrite
    a Parquet table the statement reads: through a scratch table."""
    spark.sql(f"create table {table}__changed using parquet as select {select} from {table} where {where}")
    spark.sql(f"insert overwrite table {table} select * from {table}__changed")
    spark.sql(f"drop table {table}__changed")


def table_location(spark: Any, table: str) -> Path:
    """The folder of a table's files."""
    for row in spark.sql(f"describe formatted {table}").collect():
        if row[0] == "Location":
            return Path(row[1].removeprefix("file:"))
    raise SystemExit(f"spark-check: Spark gives no location for {table}")
