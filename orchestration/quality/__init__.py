"""Data quality: Great Expectations (GX Core 1.x) enforces the warehouse's standards.

- `definitions`: what is validated, from the contract and the dbt YAML (pure);
- `suites`: the version-controlled suite files in `expectations/suites/` (render, load);
- `duckdb_compat`: the one fix GX needs to run on DuckDB;
- `runner`: validate read-only with GX, build Data Docs, then record in `audit.*`;
- `store`: the `audit` tables; `standards`: verdict, scores and summary (pure);
- `python -m orchestration.quality`: the CLI (`validate`, `render`, `check`).
"""
