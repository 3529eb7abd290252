"""Suite files, definitions and the pure score/verdict functions (no warehouse, no GX)."""

from __future__ import annotations

from datetime import datetime

from orchestration.contracts import ENTITIES
from orchestration.quality.definitions import CRITICAL, STANDARDS, WARNING, all_suites
from orchestration.quality.standards import ResultRow, describe, failed_standards, scores
from orchestration.quality.suites import load_documents, stale_files


def test_suite_files_are_up_to_date() -> None:
    assert stale_files() == [], "run: python -m orchestration.quality render"


def test_every_expectation_names_its_standard_severity_and_table() -> None:
    names = set()
    for document in load_documents():
        assert document["meta"]["batch"]["table"]
        for expectation in document["expectations"]:
            meta = expectation["meta"]
            assert meta["standard"] in STANDARDS and meta["severity"] in (CRITICAL, WARNING) and meta["table"]
            assert (meta["severity"] == WARNING) == (meta["standard"] == "consistency")
            names.add(meta["name"])
            if expectation["type"] == "unexpected_rows_expectation":
                assert "{batch}" in expectation["kwargs"]["unexpected_rows_query"]
    assert len(names) == sum(len(d["expectations"]) for d in load_documents())  # names are unique


def test_every_entity_has_completeness_and_accuracy_and_every_source_timeliness() -> None:
    suites = {s.name: s for s in all_suites()}
    for entity in ENTITIES:
        standards = {e["meta"]["standard"] for e in suites[f"entity__{entity.name}"].expectations}
        assert {"completeness", "accuracy"} <= standards, entity.name
    tables = {e["meta"]["table"] for e in suites["timeliness"].expectations}
    assert tables == {f"source {s}" for s in {e.source for e in ENTITIES}}


def _row(standard: str, success: bool, severity: str = CRITICAL) -> ResultRow:
    return ResultRow("r", "s", f"{standard} check", standard, "raw.t", "observed", success, severity, datetime(2026, 1, 1))


def test_scores_and_verdict() -> None:
    rows = [_row("completeness", True)] * 3 + [_row("accuracy", False), _row("consistency", False, WARNING)]
    by_standard = {s.standard: (s.met, s.expectations) for s in scores(rows)}
    assert by_standard == {"overall": (3, 5), "completeness": (3, 3), "accuracy": (0, 1), "consistency": (0, 1)}
    assert failed_standards(rows) == ["accuracy"]  # a failed warning does not fail the run
    assert describe(rows[3]) == "[accuracy] accuracy check — table raw.t: observed"
