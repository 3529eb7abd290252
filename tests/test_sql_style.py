"""sqlfluff (dbt templater, duckdb dialect) passes on every hand-written model, macro and dbt test.

The base models under models/staging/*/base/ are generated (orchestration.render_staging), about a
third of the SQL and of sqlfluff's time: test_render_staging checks the committed ones are exactly
the renderer's output and lints what the renderer writes for another mapping; `make lint` lints
them all. Each source's row-accounting model (stg_<source>__row_accounting) is rendered too, but
small and beside the hand-written models: it is linted here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from orchestration.settings import PROJECT_DIR

GENERATED_FOLDER = "base"


def hand_written_model_paths(models: Path = PROJECT_DIR / "models") -> list[str]:
    """models/ as paths sqlfluff lints: every file and folder except the generated base/ folders."""
    paths = []
    for path in sorted(models.rglob("*.sql")):
        if GENERATED_FOLDER not in path.relative_to(models).parts[:-1]:
            paths.append(str(path.relative_to(PROJECT_DIR)))
    return paths


def test_the_lint_leaves_out_only_the_generated_base_models() -> None:
    linted = set(hand_written_model_paths())
    every = {str(p.relative_to(PROJECT_DIR)) for p in (PROJECT_DIR / "models").rglob("*.sql")}
    assert every - linted and all("/base/" in path for path in every - linted)
    assert "models/intermediate/coverage/int_row_accounting.sql" in linted
    assert "models/staging/billing/stg_billing__row_accounting.sql" in linted


def test_sqlfluff_lint_is_clean(tmp_path: Path) -> None:
    # The dbt templater opens the warehouse; lint must not need (or touch) a built one.
    env = {**os.environ, "WAREHOUSE_PATH": str(tmp_path / "lint.duckdb"), "DBT_PROFILES_DIR": str(PROJECT_DIR)}
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "sqlfluff",
            "lint",
            *hand_written_model_paths(),
            "macros",
            "snapshots",
            "tests/dbt",
            "--disable-progress-bar",
        ],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stdout[-5000:] + completed.stderr[-2000:]
