"""What a validation run tells the person running it (used by the CLI and the pipeline step)."""

from __future__ import annotations

from orchestration import duckdb_connect
from orchestration.quality import data_mode
from orchestration.quality.runner import DOCS_DIR, ValidationRun, validate
from orchestration.quality.standards import failed_standards, summary_lines
from orchestration.settings import Settings

TIMELINESS_SUITE = "timeliness"


def validate_and_report(
    settings: Settings, docs: bool = True, historical: bool = False
) -> tuple[ValidationRun, list[str]]:
    """Validate every suite; for data declared historical (data_mode) all but timeliness."""
    with duckdb_connect.connect(str(settings.warehouse_path)) as con:
        data_mode.declare(con, historical)
    suites = (lambda name: name != TIMELINESS_SUITE) if historical else None
    run = validate(settings.warehouse_path, settings.landing_dir, docs_dir=DOCS_DIR if docs else None, suites=suites)
    return run, failed_standards(run.results)


def report_lines(run: ValidationRun, historical: bool = False) -> list[str]:
    lines = [f"data quality run {run.run_id}: {len(run.results)} expectations"]
    lines += summary_lines(run.results)
    if historical:
        lines.append(f"{'timeliness':<14}{data_mode.TIMELINESS_NOT_APPLICABLE} (declared with --historical)")
    lines.append(
        f"GX validation {run.gx_seconds:.1f} s, Data Docs {run.docs_seconds:.1f} s, total {run.total_seconds:.1f} s"
    )
    lines.append("results: audit.dq_results, audit.dq_scores")
    if run.docs_index is not None:
        lines.append(f"Data Docs: {run.docs_index}")
    return lines
