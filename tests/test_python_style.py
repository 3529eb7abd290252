"""ruff (rules and version in pyproject.toml) passes on every Python file: a fast lint, a second or two."""

from __future__ import annotations

import subprocess
import sys

from orchestration.settings import PROJECT_DIR

LINTED = ("orchestration", "dashboards", "tests")


def test_ruff_check_is_clean() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", *LINTED],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stdout[-5000:] + completed.stderr[-2000:]
