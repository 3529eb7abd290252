"""The dbt project as Dagster sees it: dagster-dbt's `DbtProject`, its manifest, the key translator.

dagster-dbt builds the assets from `manifest.json`, written by `dbt parse` into the project's own
target path, `target/dagster/`, so it never races a `make build` or `dbt` run writing `target/`.
Under `dg dev` (`make dev`) dagster-dbt's `DbtProject.prepare_if_dev()` runs that parse. Outside
it (tests, `dg check defs`, `dg launch`) dagster-dbt prepares nothing, yet a fresh clone has no
manifest: the same parse then runs through dagster-dbt's `DbtCliResource` with the venv's dbt.
Either way it runs only when the manifest is missing or older than the project's files (the
fingerprint `make run` uses to skip a build: `orchestration.build_state.project_digest`), under a
file lock, as the code server and run workers load the definitions at the same time.
Dagster's dbt runs keep their artifacts under `target/dagster/runs/`.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
import time
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject

from orchestration.build_state import DATA_TEST_SCOPE, project_digest
from orchestration.dbt_flags import for_warehouse, with_vars
from orchestration.settings import PROJECT_DIR, Settings

DAGSTER_TARGET = Path("target") / "dagster"  # relative to the dbt project, like dbt's own target/
RUN_TARGETS_KEPT = 5
LANDED_SCHEMA = "raw"
# dbt source names that are not landed by the landing step
NOT_LANDED_SOURCES = {"audit"}


class ManifestError(RuntimeError):
    pass


def dbt_executable() -> str:
    """The venv's dbt, so `.venv/bin/dg` works without activating the venv."""
    candidate = Path(sys.executable).with_name("dbt")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("dbt")
    if not found:
        raise ManifestError("dbt not found next to the Python interpreter nor on PATH: run `make venv`")
    return found


def target_dir(project_dir: Path = PROJECT_DIR) -> Path:
    return project_dir / DAGSTER_TARGET


def _digest_path(project_dir: Path) -> Path:
    return target_dir(project_dir) / "project.digest"


def manifest_is_current(project: DbtProject) -> bool:
    digest = _digest_path(project.project_dir)
    return (
        project.manifest_path.exists()
        and digest.exists()
        and digest.read_text().strip() == project_digest(project.project_dir)
    )


def run_vars(window: Mapping[str, str]) -> dict[str, str]:
    """The vars every dbt layer of a run is given besides the warehouse's: the data-test scope and
    the run's partition window (`partitions.run_window_vars`, empty for an unpartitioned run)."""
    return {**DATA_TEST_SCOPE, **window}


def parse_args(settings: Settings) -> list[str]:
    """`dbt parse` for the warehouse the runs build, with the vars of an unpartitioned run: dbt
    keeps a partial parse only for the same vars."""
    return with_vars(for_warehouse(["parse", "--quiet"], settings), run_vars({}))


def prepare(project: DbtProject, args: list[str]) -> None:
    """`dbt args` (a parse) when the project's manifest is missing or out of date (see the module's
    docstring); `args` are the project's `prepare_project_cli_args`, which dagster-dbt uses in dev."""
    if manifest_is_current(project):
        return
    target = project.project_dir / project.target_path
    target.mkdir(parents=True, exist_ok=True)
    with open(target / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be parsing: wait for it
        if manifest_is_current(project):
            return
        digest = project_digest(project.project_dir)
        started = time.perf_counter()
        project.prepare_if_dev()
        if not project.preparer.using_dagster_dev():
            dbt = DbtCliResource(project_dir=project, dbt_executable=dbt_executable())
            dbt.cli(args, target_path=project.target_path).wait()
        if not project.manifest_path.exists():
            raise ManifestError(f"`dbt parse` wrote no {project.manifest_path}, so Dagster has no dbt assets")
        _digest_path(project.project_dir).write_text(digest + "\n")
        seconds = time.perf_counter() - started
        dg.get_dagster_logger().info(f"dbt manifest prepared in {seconds:.1f} s: {project.manifest_path}")


@lru_cache(maxsize=1)
def dbt_project() -> DbtProject:
    args = parse_args(Settings.from_env())
    project = DbtProject(
        project_dir=PROJECT_DIR, target_path=DAGSTER_TARGET, profiles_dir=PROJECT_DIR, prepare_project_cli_args=args
    )
    prepare(project, args)
    return project


@lru_cache(maxsize=1)
def manifest() -> Mapping[str, Any]:
    return json.loads(dbt_project().manifest_path.read_text())


def run_target_path(op_name: str, run_id: str, project_dir: Path = PROJECT_DIR) -> Path:
    """A fresh target path for one dbt invocation, seeded with the partial parse of the prepared
    manifest (saves a full parse), keeping only the newest few run folders."""
    runs = target_dir(project_dir) / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    for old in sorted((p for p in runs.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)[:-RUN_TARGETS_KEPT]:
        shutil.rmtree(old, ignore_errors=True)
    path = runs / f"{op_name}-{run_id[:8]}-{int(time.time())}"
    path.mkdir(parents=True, exist_ok=True)
    partial = target_dir(project_dir) / "partial_parse.msgpack"
    if partial.exists():
        shutil.copy(partial, path / "partial_parse.msgpack")
    return path


def keep_partial_parse(run_target: Path, project_dir: Path = PROJECT_DIR) -> None:
    """Keep the partial parse a run's dbt wrote (for this warehouse's profile) for the next runs:
    dbt re-parses everything when the profile differs from the one the file was written with."""
    written = run_target / "partial_parse.msgpack"
    if not written.exists():
        return
    kept = target_dir(project_dir) / "partial_parse.msgpack"
    temporary = kept.with_name(f".partial_parse.{os.getpid()}.msgpack")
    shutil.copy(written, temporary)
    os.replace(temporary, kept)


# ------------------------------------------------------------------------------ asset keys
def layer(props: Mapping[str, Any]) -> str:
    """The schema a node builds into (staging, intermediate, marts): its asset key prefix and group."""
    return (props.get("config") or {}).get("schema") or props.get("schema") or "main"


def source_asset_key(source_name: str, table: str) -> dg.AssetKey:
    """Landed sources are one asset per source system (`raw/<source>`); others keep their table."""
    if source_name in NOT_LANDED_SOURCES:
        return dg.AssetKey([source_name, table])
    return dg.AssetKey([LANDED_SCHEMA, source_name])


class WarehouseDbtTranslator(DagsterDbtTranslator):
    """`<schema>/<model>` keys (staging/stg_..., marts/fct_orders), grouped by layer; every raw
    table of a source system maps to that system's landing asset."""

    def __init__(self) -> None:
        super().__init__(
            settings=DagsterDbtTranslatorSettings(
                enable_asset_checks=True,
                enable_duplicate_source_asset_keys=True,
                enable_code_references=True,
            )
        )

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return source_asset_key(dbt_resource_props["source_name"], dbt_resource_props["name"])
        return dg.AssetKey([layer(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return "landing" if dbt_resource_props["source_name"] not in NOT_LANDED_SOURCES else "quality"
        return layer(dbt_resource_props)


@lru_cache(maxsize=1)
def translator() -> WarehouseDbtTranslator:
    return WarehouseDbtTranslator()


def model_keys(*layers: str, resource_types: tuple[str, ...] = ("model", "seed", "snapshot")) -> list[dg.AssetKey]:
    """Asset keys of the dbt nodes building into the given schemas."""
    found = []
    for node in manifest()["nodes"].values():
        if node["resource_type"] in resource_types and layer(node) in layers:
            found.append(translator().get_asset_key(node))
    return sorted(found, key=lambda k: k.to_user_string())


def kpi_mart_keys() -> list[dg.AssetKey]:
    """The KPI marts: every mart model except the dimension and fact tables they are built from."""
    return [
        key
        for key in model_keys("marts", resource_types=("model",))
        if not key.path[-1].startswith(("dim_", "fct_"))
    ]
