"""Pure functions over validation results: the standards' verdict, the score, the summary text."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from orchestration.quality.definitions import CRITICAL, STANDARDS


@dataclass(frozen=True)
class ResultRow:
    """One expectation's outcome in one run: a row of audit.dq_results."""

    run_id: str
    suite: str
    expectation: str
    standard: str
    table_name: str
    observed_value: str
    success: bool
    severity: str
    validated_at: datetime


@dataclass(frozen=True)
class Score:
    standard: str  # a standard, or "overall"
    expectations: int
    met: int

    @property
    def score(self) -> float:
        return self.met / self.expectations if self.expectations else 1.0


def scores(results: list[ResultRow]) -> list[Score]:
    """Share of expectations met, overall and per standard (standards without expectations left out)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in results:
        for key in ("overall", row.standard):
            counts[key][0] += 1
            counts[key][1] += int(row.success)
    order = ["overall", *STANDARDS]
    return [Score(k, *counts[k]) for k in order if k in counts]


def failures(results: list[ResultRow], severity: str = CRITICAL) -> list[ResultRow]:
    return [r for r in results if not r.success and r.severity == severity]


def failed_standards(results: list[ResultRow]) -> list[str]:
    """Standards with at least one failed critical expectation: the run is not good."""
    failed = {r.standard for r in failures(results)}
    return [s for s in STANDARDS if s in failed]


def describe(row: ResultRow) -> str:
    return f"[{row.standard}] {row.expectation} — table {row.table_name}: {row.observed_value}"


def summary_lines(results: list[ResultRow]) -> list[str]:
    lines = []
    for score in scores(results):
        lines.append(
            f"{score.standard:<14}{score.met:>5} / {score.expectations:<5} expectations met  {score.score:7.2%}"
        )
    for row in failures(results, "warning"):
        lines.append("WARNING " + describe(row))
    for row in failures(results):
        lines.append("FAILED  " + describe(row))
    return lines
