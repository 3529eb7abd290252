"""Validate the warehouse with GX and record the outcome in it.

Three phases, never two DuckDB configurations of the warehouse open at once in this process
(DuckDB allows one per file per process):
1. prepare (read-write, milliseconds): the `audit` schema and its tables exist, so the
   consistency suite can compare with the previous run;
2. validate (read-only): GX runs every suite file as SQL in DuckDB through duckdb-engine, builds
   Data Docs, and its connection is closed;
3. record (read-write): results, scores and this run's schema snapshot go to `audit.*`.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from orchestration import duckdb_connect
from orchestration.quality import store
from orchestration.quality.definitions import LANDED_FILES_PARAMETER
from orchestration.quality.standards import ResultRow
from orchestration.quality.suites import EXPECTATIONS_DIR, SUITES_DIR, load_documents, to_gx_suite

DOCS_DIR = EXPECTATIONS_DIR / "uncommitted" / "data_docs" / "local_site"
DOCS_SITE = "warehouse_data_docs"
OBSERVED_MAX_CHARS = 2000


@dataclass
class ValidationRun:
    run_id: str
    results: list[ResultRow]
    docs_index: Path | None
    gx_seconds: float  # checkpoint run: the SQL GX executes, and its bookkeeping
    docs_seconds: float
    total_seconds: float


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def _short(value: Any) -> str:
    return json.dumps(value, default=str)


def observed_text(
    expectation_type: str, kwargs: dict[str, Any], result: dict[str, Any], parameters: dict[str, Any]
) -> str:
    """What GX saw, as one line a person can act on."""
    if expectation_type == "unexpected_rows_expectation":
        count = result.get("observed_value", 0)
        rows = (result.get("details") or {}).get("unexpected_rows") or []
        if not count:
            return "0 unexpected rows"
        shown = "; ".join(
            ", ".join(f"{k}={v}" for k, v in (row.items() if isinstance(row, dict) else enumerate(row)))
            for row in rows[:5]
        )
        more = f" (+{count - 5} more)" if count > 5 else ""
        return f"{count} unexpected row(s): {shown}{more}"
    if expectation_type == "expect_column_proportion_of_non_null_values_to_be_between":
        invalid = float(result.get("observed_value") or 0.0)
        return f"{1 - invalid:.4%} valid ({invalid:.4%} invalid)"
    if expectation_type == "expect_column_distinct_values_to_contain_set":
        expected = parameters.get(LANDED_FILES_PARAMETER, kwargs.get("value_set")) or []
        if isinstance(expected, dict):
            expected = []
        if "missing_count" in result:  # GX reports what is missing when the set is not contained
            missing = sorted(result.get("partial_missing_list") or [])
            count = int(result["missing_count"])
            return f"{count} landed file(s) missing from the ledger: {', '.join(missing[:10])}"
        missing = sorted(set(expected) - set(result.get("observed_value") or []))
        if missing:
            return f"{len(missing)} landed file(s) missing from the ledger: {', '.join(missing[:10])}"
        return f"all {len(expected)} landed files in the ledger"
    if "unexpected_count" in result:
        values = result.get("partial_unexpected_list") or []
        return (
            f"{result['unexpected_count']} unexpected value(s) of {result.get('element_count')}: {_short(values[:10])}"
        )
    return _short(result.get("observed_value"))


def run_gx(
    warehouse: Path,
    parameters: dict[str, Any],
    run_id: str,
    suites_dir: Path,
    docs_dir: Path | None,
    suites: Callable[[str], bool] | None = None,
) -> tuple[list[ResultRow], Path | None, float, float]:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    from orchestration.quality.duckdb_compat import register_duckdb_dialect

    register_duckdb_dialect()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if docs_dir is not None:
        context.add_data_docs_site(
            DOCS_SITE,
            {
                "class_name": "SiteBuilder",
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            },
        )
    # the bounded-memory limits as duckdb-engine's connect config: GX's engine opens its own
    # read-only instance of the file (orchestration.duckdb_connect)
    source = context.data_sources.add_sql(
        "warehouse",
        connection_string=f"duckdb:///{warehouse}",
        kwargs={"connect_args": {"read_only": True, "config": duckdb_connect.engine_config(warehouse)}},
    )
    documents = [d for d in load_documents(suites_dir) if suites is None or suites(d["name"])]
    assets: dict[tuple[str, str], Any] = {}
    definitions = []
    for document in documents:
        batch = document["meta"]["batch"]
        key = (batch["schema"], batch["table"])
        if key not in assets:
            asset = source.add_table_asset(f"{key[0]}.{key[1]}", table_name=key[1], schema_name=key[0])
            assets[key] = asset.add_batch_definition_whole_table("whole table")
        suite = context.suites.add(to_gx_suite(document))
        definitions.append(
            context.validation_definitions.add(
                gx.ValidationDefinition(name=document["name"], data=assets[key], suite=suite)
            )
        )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name="warehouse_data_quality",
            validation_definitions=definitions,
            actions=[],
            result_format={"result_format": "COMPLETE", "partial_unexpected_count": 20},
        )
    )
    started = time.perf_counter()
    try:
        outcome = checkpoint.run(expectation_parameters=parameters)
    finally:
        engine = source.get_execution_engine()
        if getattr(engine, "_connection", None) is not None:
            engine._connection.close()
            engine._connection = None
        engine.engine.dispose()
        source.get_engine().dispose()
    gx_seconds = time.perf_counter() - started
    validated_at = datetime.now(UTC).replace(tzinfo=None)
    rows = []
    for suite_result in outcome.run_results.values():
        for result in suite_result.results:
            config = result.expectation_config
            meta = config.meta or {}
            if result.exception_info and result.exception_info.get("raised_exception"):
                observed = "error: " + str(result.exception_info.get("exception_message"))
                success = False
            else:
                observed = observed_text(config.type, config.kwargs, result.result or {}, parameters)
                success = bool(result.success)
            rows.append(
                ResultRow(
                    run_id=run_id,
                    suite=suite_result.suite_name,
                    expectation=meta.get("name", config.type),
                    standard=meta.get("standard", "unknown"),
                    table_name=meta.get("table", ""),
                    observed_value=observed[:OBSERVED_MAX_CHARS],
                    success=success,
                    severity=meta.get("severity", "critical"),
                    validated_at=validated_at,
                )
            )
    index, docs_seconds = None, 0.0
    if docs_dir is not None:
        started = time.perf_counter()
        context.build_data_docs(site_names=[DOCS_SITE])
        docs_seconds = time.perf_counter() - started
        index = docs_dir / "index.html"
    return rows, index, gx_seconds, docs_seconds


def landed_files(landing_dir: Path) -> list[str]:
    from orchestration.landing.discovery import discover

    return sorted(f.relative_path for f in discover(landing_dir)) if landing_dir.is_dir() else []


def validate(
    warehouse: Path,
    landing_dir: Path,
    *,
    run_id: str | None = None,
    suites_dir: Path = SUITES_DIR,
    docs_dir: Path | None = DOCS_DIR,
    record: bool = True,
    suites: Callable[[str], bool] | None = None,
) -> ValidationRun:
    """Validate every suite file (or those whose name `suites` accepts) and record the outcome."""
    started = time.perf_counter()
    run_id = run_id or new_run_id()
    if record:
        with duckdb_connect.connect(str(warehouse)) as con:
            store.prepare(con)
    parameters = {LANDED_FILES_PARAMETER: landed_files(landing_dir)}
    rows, index, gx_seconds, docs_seconds = run_gx(warehouse, parameters, run_id, suites_dir, docs_dir, suites)
    if record:
        with duckdb_connect.connect(str(warehouse)) as con:
            store.record(con, run_id, rows)
    return ValidationRun(run_id, rows, index, gx_seconds, docs_seconds, time.perf_counter() - started)
