"""Run dbt in process (no per-command Python start-up) and summarize what it built and tested."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orchestration.dbt_flags import for_warehouse, given_vars
from orchestration.settings import PROJECT_DIR, Settings


@dataclass
class DbtSummary:
    success: bool
    # (resource type, status) -> count, e.g. ("model", "success"), ("test", "fail")
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def count(self, resource_type: str, *statuses: str) -> int:
        return sum(n for (kind, status), n in self.counts.items() if kind == resource_type and status in statuses)


def release_warehouse() -> None:
    """dbt-duckdb keeps its DuckDB instance open after an in-process invocation, and DuckDB allows
    one configuration per file per process: drop dbt's adapters and dbt-duckdb's instance (its own
    clean-up at exit) before anything else in this process opens the warehouse."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.adapters.factory import reset_adapters

    reset_adapters()
    DuckDBConnectionManager.close_all_connections()


# What dbt parses (dbt_project.yml's paths): a change to any of these files invalidates a manifest.
PARSED_PATHS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "snapshots", "tests/dbt", "analyses")
# Commands that read the project without needing a manifest
UNPARSED_COMMANDS = {"parse", "deps", "debug", "clean", "init"}

_manifests: dict[tuple[str, ...], Any] = {}


def project_fingerprint(project_dir: Path) -> str:
    """Changes whenever a file dbt parses is added, removed or modified."""
    digest = hashlib.sha256()
    for name in PARSED_PATHS:
        root = project_dir / name
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            stat = path.stat()
            digest.update(f"{path.relative_to(project_dir)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _manifest_key(args: list[str], settings: Settings, project_dir: Path) -> tuple[str, ...] | None:
    """What a parsed manifest depends on: the project's files, the `--vars` given, and the
    warehouse's file name (dbt-duckdb names the database after it). dbt's own partial parsing
    starts over whenever the profile's path changes, so without this every build of another
    warehouse in one process (the test suite builds dozens) parses the whole project again."""
    if not args or args[0] in UNPARSED_COMMANDS:
        return None
    return (
        str(project_dir.resolve()),
        project_fingerprint(project_dir),
        settings.warehouse_path.stem,
        given_vars(args) or "",
    )


def location_flags(project_dir: Path, target_path: Path | None = None, log_path: Path | None = None) -> list[str]:
    """Where dbt finds the project and its profile, and writes its artifacts and logs (dbt's
    default, or DBT_TARGET_PATH / DBT_LOG_PATH, when not given)."""
    flags = ["--project-dir", str(project_dir), "--profiles-dir", str(project_dir)]
    if target_path is not None:
        flags += ["--target-path", str(target_path)]
    if log_path is not None:
        flags += ["--log-path", str(log_path)]
    return flags


def run_dbt(
    args: list[str],
    settings: Settings,
    project_dir: Path = PROJECT_DIR,
    *,
    target_path: Path | None = None,
    log_path: Path | None = None,
) -> DbtSummary:
    """dbt `args` on the warehouse of `settings`; `project_dir` is a scratch copy of the project
    when the sources follow other mappings (orchestration.scratch_project)."""
    from dbt.cli.main import dbtRunner  # heavy import: only when dbt actually runs

    location = location_flags(project_dir, target_path, log_path)
    key = _manifest_key(args, settings, project_dir)
    try:
        if key is not None and key not in _manifests:
            parsed = dbtRunner().invoke(for_warehouse(["parse", *location], settings))
            # dbt's Manifest.deepcopy fails on disabled nodes: such a project parses on every run
            if parsed.success and not parsed.result.disabled:
                _manifests[key] = parsed.result
        # a run marks compiled nodes in the manifest it is given (ephemeral CTEs injected ...):
        # each run gets a fresh copy of the parsed one
        manifest = _manifests[key].deepcopy() if key in _manifests else None
        result = dbtRunner(manifest=manifest).invoke(for_warehouse([*args, *location], settings))
    finally:
        release_warehouse()
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
