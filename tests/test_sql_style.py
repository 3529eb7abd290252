"""sqlfluff (dbt templater, duckdb dialect) passes on every model, macro and dbt test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from orchestration.settings import PROJECT_DIR


def test_sqlfluff_lint_is_clean(tmp_path: Path) -> None:
    # The dbt templater opens the warehouse; lint must not need (or touch) a built one.
    env = {**os.environ, "WAREHOUSE_PATH": str(tmp_path / "lint.duckdb"), "DBT_PROFILES_DIR": str(PROJECT_DIR)}
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "sqlfluff",
            "lint",
            "models",
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
