"""Generated datasets the slow tests share, and how they are built."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from orchestration.datagen.config import GeneratorConfig
from orchestration.dbt_runner import run_dbt
from orchestration.landing import land
from orchestration.settings import Settings

SMALL_DATASET = GeneratorConfig(scale=0.01, seed=11, end_date=date(2026, 11, 1), out_dir=Path("unused"))


def build_scorecard(settings: Settings) -> None:
    """Land what is in the landing dir and run the models up to the scorecard (no data tests)."""
    report = land(settings.landing_dir, settings.warehouse_path)
    assert not report.failed, report.failed
    for args in (["seed"], ["run", "--select", "+path:models/scorecard"]):
        summary = run_dbt(args, settings)
        assert summary.success, summary.failures
