"""The same dbt project on Spark (issue 17, docs/scaling.md): the sources exported from the DuckDB
warehouse as Parquet, and the check that both engines build equal marts."""
