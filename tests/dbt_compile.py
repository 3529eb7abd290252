"""SQL with the project's macros expanded by dbt (`dbt compile --inline`), for tests that evaluate a
macro's SQL in DuckDB."""

from __future__ import annotations

from pathlib import Path

import pytest


def compiled_sql(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sql: str) -> str:
    """`sql` with the project's macros expanded by dbt (against a scratch warehouse in `tmp_path`)."""
    from dbt.cli.main import dbtRunner

    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "compile.duckdb"))
    result = dbtRunner().invoke(["compile", "--inline", sql, "--quiet"])
    assert result.success, result.exception
    return result.result.results[0].node.compiled_code
