"""Landing that no file can break, end to end on a copy of the built golden warehouse.

Hostile headers never reach SQL (the build after them runs nothing of theirs and passes), a
monthly file may have any name, and a refused file fails the completeness standard by name.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.dbt_runner import run_dbt
from orchestration.landing import land
from orchestration.quality.runner import validate
from orchestration.quality.standards import failed_standards
from orchestration.settings import Settings

pytestmark = pytest.mark.slow

REVIEWS = "review_id,course_id,student_id,rating,reviewed_at"


def _landing_copy(golden_copy: Settings, tmp_path: Path) -> Path:
    landing = tmp_path / "landing"
    shutil.copytree(golden_copy.landing_dir, landing)
    return landing


def _write(landing: Path, relative: str, text: str) -> None:
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_hostile_headers_run_nothing_and_the_next_build_passes(golden_copy: Settings, tmp_path: Path) -> None:
    landing = _landing_copy(golden_copy, tmp_path)
    proof = tmp_path / "pwned.csv"
    hostile = {
        "quote-breakout": f'"x"" varchar); copy (select 42) to \'{proof}\'; --"',
        "lineage": "_loaded_at",
        "drop": "x;drop table raw.reviews",
    }
    for name, column in hostile.items():
        _write(landing, f"marketplace/reviews/{name}.csv", f"{REVIEWS},{column}\n90,101,1,5,2026-03-02T12:00:00Z,x\n")
    _write(landing, "marketplace/reviews/zz_good.csv", f"{REVIEWS}\n91,101,1,4,2026-03-03T12:00:00Z\n")
    settings = Settings(warehouse_path=golden_copy.warehouse_path, landing_dir=landing)

    report = land(landing, settings.warehouse_path)

    refused = {r.file for r in report.failed}
    assert refused == {f"marketplace/reviews/{name}.csv" for name in hostile}
    assert [r.status for r in report.results if r.file.endswith("zz_good.csv")] == ["loaded"]
    summary = run_dbt(["build", "--select", "path:models/staging", "--indirect-selection", "cautious"], settings)
    assert summary.success, summary.failures
    assert not proof.exists()
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        assert con.execute("select count(*) from raw.reviews").fetchone()[0] > 0
        assert con.execute("select count(*) from staging.stg_marketplace__reviews where review_id = 91").fetchone() == (1,)


def test_a_monthly_file_with_any_name_builds(golden_copy: Settings, tmp_path: Path) -> None:
    landing = _landing_copy(golden_copy, tmp_path)
    # a re-export under a free name, holding an old review (late) and a new one (on time)
    _write(
        landing,
        "marketplace/reviews/Reviews export (copy).csv",
        f"{REVIEWS}\n92,101,1,5,2026-01-02T12:00:00Z\n93,101,1,4,2026-12-01T12:00:00Z\n",
    )
    settings = Settings(warehouse_path=golden_copy.warehouse_path, landing_dir=landing)
    assert not land(landing, settings.warehouse_path).failed

    summary = run_dbt(["build", "--select", "path:models/staging", "--indirect-selection", "cautious"], settings)

    assert summary.success, summary.failures
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        late = con.execute(
            "select review_id, is_late_arriving from staging.stg_marketplace__reviews where review_id in (92, 93) order by 1"
        ).fetchall()
    assert late == [(92, True), (93, False)]


def test_a_refused_file_fails_completeness_naming_it(golden_copy: Settings, tmp_path: Path) -> None:
    landing = _landing_copy(golden_copy, tmp_path)
    _write(landing, "marketplace/reviews/semicolons.csv", "review_id;course_id\n1;2\n3;4\n5;6\n")
    settings = Settings(warehouse_path=golden_copy.warehouse_path, landing_dir=landing)
    land(landing, settings.warehouse_path)

    run = validate(settings.warehouse_path, landing, docs_dir=None, record=False, suites=lambda n: n == "landing")

    assert failed_standards(run.results) == ["completeness"]
    [row] = [r for r in run.results if not r.success]
    assert "file_path=marketplace/reviews/semicolons.csv" in row.observed_value
    assert "missing_rows_estimated=3" in row.observed_value
    assert "wrong delimiter" in row.observed_value

    from orchestration.landing.set_aside import set_aside

    set_aside(settings.warehouse_path, landing, "marketplace/reviews/semicolons.csv", "test export", "qa")
    again = validate(settings.warehouse_path, landing, docs_dir=None, record=False, suites=lambda n: n == "landing")
    assert failed_standards(again.results) == []


def test_two_files_of_one_run_that_disagree_are_reported_with_both_names(golden_copy: Settings, tmp_path: Path) -> None:
    landing = _landing_copy(golden_copy, tmp_path)
    _write(landing, "marketplace/reviews/resend_a.csv", f"{REVIEWS}\n94,101,1,5,2026-03-02T12:00:00Z\n")
    _write(landing, "marketplace/reviews/resend_b.csv", f"{REVIEWS}\n94,101,1,2,2026-03-02T12:00:00Z\n")
    settings = Settings(warehouse_path=golden_copy.warehouse_path, landing_dir=landing)
    assert not land(landing, settings.warehouse_path).failed
    summary = run_dbt(["build", "--select", "path:models/staging", "--indirect-selection", "cautious"], settings)
    assert summary.success, summary.failures

    run = validate(settings.warehouse_path, landing, docs_dir=None, record=False, suites=lambda n: n == "entity__reviews")

    [conflict] = [r for r in run.results if "disagree" in r.expectation]
    assert not conflict.success and conflict.standard == "consistency"
    assert "overwritten_file=marketplace/reviews/resend_a.csv" in conflict.observed_value
    assert "kept_file=marketplace/reviews/resend_b.csv" in conflict.observed_value
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        assert con.execute("select rating from staging.stg_marketplace__reviews where review_id = 94").fetchall() == [(2,)]
