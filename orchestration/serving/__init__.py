"""Serving: write-audit-publish of the marts to a separate, read-only DuckDB file for readers.

The pipeline builds into the working warehouse (`WAREHOUSE_PATH`). Only after dbt build and the
blocking data quality standards passed does `publish_step` copy what readers need to the serving
file (`SERVING_PATH`, default `data/serving.duckdb`): written to a temporary file in the same
directory, checkpointed, fsynced and swapped in with one `os.replace`. A refused or failed publish
leaves the previous serving file byte-for-byte as it was. The marts are then exported to Parquet
(`EXPORT_DIR`, default `data/export`) from the serving file, so both hold the same publish.

The contract readers (dashboards, Dagster assets, BI tools) rely on
=====================================================================

Serving file (DuckDB, storage version `v1.0.0`, i.e. storage format 64; see STORAGE_VERSION):

- schema `marts`: every table and view of the warehouse's `marts` schema, same names, columns,
  column order and types; views are materialized as tables; constraints are not copied.
  This includes the KPI catalog, scorecard and alerts marts (`kpi_catalog`, `kpi_scorecard`,
  `kpi_alerts`) when the warehouse has them.
- schema `audit`: every table of the warehouse's `audit` schema as of the publish, full history:
  `dq_results` (one row per expectation per validation run), `dq_scores` (share met per standard
  and 'overall' per run), `schema_snapshots`.
- `main.publish_log`, one row per publish, kept across publishes (history carried over):
    publish_id varchar, published_at timestamptz, run_id varchar (pipeline / Dagster run),
    dq_run_id varchar (the validation run the publish passed: audit.dq_scores.run_id),
    dq_score double (that run's overall score, 0-1),
    data_as_of timestamptz (how far every source's data reaches: the oldest of the sources'
    newest valid business timestamps, computed like the timeliness standard from the staging
    base models, a date covering its whole day),
    data_as_of_by_source varchar (JSON object: source -> ISO timestamp, or null),
    dbt_version, project_version, git_commit, duckdb_version, storage_version varchar,
    table_count integer, total_rows bigint, warehouse_path varchar.
- `main.publish_tables`, one row per published table per publish (history kept likewise):
    publish_id, schema_name, table_name, row_count bigint, column_count integer.
  The current publish is `select * from publish_log order by published_at desc limit 1`.

Parquet export (EXPORT_DIR): `marts/<table>.parquet`, one file per marts table, and
`manifest.json` (publish metadata, and per table: file, rows, bytes, sha256, columns and types).

How to read it
--------------
Open it read-only and open it anew to see a newer publish: `open_serving(path)` (an in-memory
connection that ATTACHes the file READ_ONLY). `duckdb.connect(path, read_only=True)` also works,
but DuckDB reuses an open database instance for the same path within one process, so a
long-running process (Streamlit, Dagster) must close all its connections to the file before
reconnecting, or it keeps reading the publish it first opened. A reader holding the file open
never blocks a publish (the new file replaces the name, the reader keeps the old inode) and is
never blocked by one. The file is written mode 0444: opening it read-write fails for non-root users.

Modules: `publish` (plan, refuse, copy, swap, `publish_step` for the pipeline), `export`
(Parquet + manifest), `python -m orchestration.serving publish|export|status` (CLI).
"""

# The submodule `publish` keeps its name here (its function is `publish.publish`).
from orchestration.serving.publish import (
    STORAGE_VERSION,
    PublishError,
    PublishResult,
    current_publish,
    open_serving,
    publish_step,
    serving_status,
)

__all__ = [
    "STORAGE_VERSION",
    "PublishError",
    "PublishResult",
    "current_publish",
    "open_serving",
    "publish_step",
    "serving_status",
]
