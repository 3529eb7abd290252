"""Run dbt in process (no per-command Python start-up) and summarize what it built and tested."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.settings import PROJECT_DIR, Settings


@dataclass
class DbtSummary:
    success: bool
    # (resource type, status) -> count, e.g. ("model", "success"), ("test", "fail")
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def count(self, resource_type: str, *statuses: str) -> int:
        return sum(n for (kind, status), n in self.counts.items() if kind == resource_type and status in statuses)


def dbt_environment(settings: Settings) -> None:
    """dbt reads its paths from the environment (profiles.yml); point it where Python points."""
    os.environ["WAREHOUSE_PATH"] = str(settings.warehouse_path)
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))


def _release_warehouse() -> None:
    """dbt-duckdb keeps its DuckDB instance open after an in-process invocation; DuckDB allows one
    configuration per file per process, so close it before anything else opens the warehouse."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None


def run_dbt(args: list[str], settings: Settings, project_dir: Path = PROJECT_DIR) -> DbtSummary:
    """dbt `args` on the warehouse of `settings`; `project_dir` is a scratch copy of the project
    when the sources follow other mappings (orchestration.scratch_project)."""
    from dbt.cli.main import dbtRunner  # heavy import: only when dbt actually runs

    dbt_environment(settings)
    try:
        result = dbtRunner().invoke(
            [*args, "--project-dir", str(project_dir), "--profiles-dir", str(project_dir)]
        )
    finally:
        _release_warehouse()
    summary = DbtSummary(success=result.success)
    if result.exception is not None:
        summary.failures.append(f"dbt {' '.join(args)}: {result.exception}")
    for node_result in getattr(result.result, "results", None) or []:
        node = node_result.node
        status = str(node_result.status)
        summary.counts[(str(node.resource_type), status)] += 1
        if status in ("error", "fail"):
            lines = [line.strip() for line in (node_result.message or status).splitlines() if line.strip()]
            summary.failures.append(f"{node.resource_type} {node.name}: " + " | ".join(lines[:4]))
    return summary
