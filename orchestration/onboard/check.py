"""`check`: dry-run source mappings on an export with the real pipeline, in scratch copies.

Nothing is decided here about what would stage: the export is landed by
`orchestration.landing.land` with the mappings into a scratch warehouse, and staging is built by
dbt from a scratch copy of the project whose sources are rendered for those mappings
(`orchestration.scratch_project`), so the dry run says what the real run would. `outcomes` then
reads what landing and staging left behind. The real warehouse, the project's
`models/staging/<source>/_<source>__sources.yml` and the export are never written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from orchestration.dbt_runner import DbtSummary, run_dbt
from orchestration.landing import land
from orchestration.landing.discovery import claim
from orchestration.mapping import SourceMapping, load_mappings
from orchestration.onboard.export import find_files, is_landing_layout
from orchestration.onboard.outcomes import CheckResult, summarise
from orchestration.render_sources import BASE_MODEL_UNIT_TESTS
from orchestration.scratch_project import scratch_project
from orchestration.settings import Settings

# Staging only; tests that also read models outside it (marts) are left out, as they cannot run.
# the base models' unit tests state the shipped mappings, not the one being checked
DBT_ARGS = [
    "build",
    "--select",
    "+path:models/staging",
    "--exclude",
    BASE_MODEL_UNIT_TESTS,
    "--indirect-selection",
    "cautious",
    "--quiet",
]


def _place(source: Path, target: Path) -> None:
    """The file at `target`: a hard link where the file system allows (no copy of a big export),
    a copy otherwise. Either is a regular file, as landing requires."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def scratch_landing(
    directory: Path, target: Path, mappings: Mapping[str, SourceMapping]
) -> tuple[Path, list[tuple[str, str]]]:
    """A landing dir holding the export. Laid out like LANDING_DIR (source folders), the export is
    used as it is (landing only reads). Otherwise each file goes under `<source>/` of every source
    whose mapping claims it, as the user will put it; returns the dir and (file, why) for the
    files that would not land at all."""
    if is_landing_layout(directory):
        # landing names links and unclaimed files itself; a `.CSV` file it would not even see
        return directory, [(f.relative, f.problem) for f in find_files(directory) if f.problem and not f.link]
    target.mkdir(parents=True)
    not_landed = []
    for export_file in find_files(directory):
        claimed_by = [
            source
            for source, mapping in mappings.items()
            if any(claim(export_file.inside, mapping))  # claimed, or claimed twice (landing refuses it)
        ]
        if export_file.link or not claimed_by:
            why = export_file.problem or "no file pattern of the mappings claims it"
            not_landed.append((export_file.relative, why))
            continue
        for source in claimed_by:
            _place(export_file.path, target / source / export_file.inside)
    return target, not_landed


def _stage(root: Path, landing: Path, mappings: Mapping[str, SourceMapping], mapping_dir: Path) -> DbtSummary:
    settings = Settings(
        warehouse_path=root / "warehouse.duckdb",
        landing_dir=landing,
        serving_path=root / "serving.duckdb",
        export_dir=root / "export",
        reports_dir=root / "reports",
        mapping_dir=mapping_dir,
    )
    land(landing, settings.warehouse_path, mappings=mappings)
    project = scratch_project(root / "project", mappings)
    return run_dbt(DBT_ARGS, settings, project, target_path=root / "target", log_path=root / "logs")


def dry_run(directory: Path, mapping_dir: Path, keep: Path | None = None) -> CheckResult:
    """Land and stage `directory` with the mappings in `mapping_dir` in scratch copies; what each
    file's rows would become. `keep`: a new folder to leave the scratch copies in, to look into.
    Raises MappingError when a mapping file is not valid."""
    mappings = load_mappings(mapping_dir)
    result = CheckResult(directory, mapping_dir, kept=keep)
    with tempfile.TemporaryDirectory(prefix="onboard-check-") as scratch:
        root = keep if keep is not None else Path(scratch)
        root.mkdir(parents=True, exist_ok=keep is None)
        landing, result.not_landed = scratch_landing(directory, root / "landing", mappings)
        summary = _stage(root, landing, mappings, mapping_dir)
        result.files, result.reasons = summarise(root / "warehouse.duckdb", mappings)
    result.tests_failed = summary.count("test", "fail", "error")
    model_failures = [f for f in summary.failures if not f.startswith("test ")]
    result.dbt_success = not model_failures
    result.dbt_failures = model_failures
    return result
