"""Generated datasets the slow tests share, and how they are built."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from orchestration.alert_bench import land_and_build
from orchestration.datagen.config import GeneratorConfig
from orchestration.settings import SCORECARD_MODELS, Settings

SMALL_DATASET = GeneratorConfig(scale=0.01, seed=11, end_date=date(2026, 11, 1), out_dir=Path("unused"))


def build_scorecard(settings: Settings) -> None:
    """Land what is in the landing dir and run the models up to the scorecard (no data tests)."""
    land_and_build(settings, f"+path:{SCORECARD_MODELS}")
