"""The Dagster definitions of the warehouse, loaded by `orchestration/definitions.py` (`dg` layout).

One module per concern, each exposing its objects through one `@dg.definitions` function:

- `resources`: where things live (the warehouse, landing dir, ...) and the dbt CLI, from the environment;
- `landing`: the landing step as one asset per source system (plus the load ledger);
- `dbt`: every dbt model, seed and snapshot, in two steps (staging; intermediate and marts) so the
  data quality checks on staging can stop the marts from building;
- `quality`: the Great Expectations suites as asset checks, and the 24-hour freshness checks;
- `alerts`: run and check failures and critical KPI alerts to a log file and a webhook;
- `reports`: the executive KPI reports, one asset per cadence;
- `serving`: publishing the marts to the serving file (and Parquet) after the blocking checks;
- `automation`: the jobs, the schedules of the reporting calendar and the landing-file sensor.

`project` (the dbt project and its manifest), `gx` (suites to checks) and `calendar` (pure
schedule arithmetic) are helpers and hold no definitions.
"""
