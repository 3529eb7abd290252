"""Landing that no file can break, end to end on a copy of the built golden warehouse.

One landing run brings every case at once (one staging build keeps the suite fast): hostile
headers never reach SQL (the build after them runs nothing of theirs and passes), a monthly file
may have any name, two files of one run that disagree are reported with both names, and a
refused file fails the completeness standard by name until it is set aside.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from orchestration.dbt_runner import run_dbt
from orchestration.landing import LandingReport, land
from orchestration.landing.set_aside import set_aside
from orchestration.quality.runner import validate
from orchestration.quality.standards import failed_standards
from orchestration.settings import Settings

pytestmark = pytest.mark.slow

REVIEWS = "review_id,course_id,student_id,rating,reviewed_at"
HOSTILE = {
    "quote-breakout": '"x"" varchar); copy (select 42) to \'{proof}\'; --"',
    "lineage": "_loaded_at",
    "drop": "x;drop table raw.reviews",
}


@dataclass(frozen=True)
class Landed:
    settings: Settings
    report: LandingReport
    proof: Path


def _write(landing: Path, relative: str, text: str) -> None:
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture(scope="module")
def landed(golden_warehouse: Settings, tmp_path_factory: pytest.TempPathFactory) -> Landed:
    root = tmp_path_factory.mktemp("landing-e2e")
    landing, proof = root / "landing", root / "pwned.csv"
    shutil.copytree(golden_warehouse.landing_dir, landing)
    settings = Settings(warehouse_path=root / "warehouse.duckdb", landing_dir=landing)
    shutil.copy(golden_warehouse.warehouse_path, settings.warehouse_path)
    for name, column in HOSTILE.items():
        header = f"{REVIEWS},{column.format(proof=proof)}"
        _write(landing, f"marketplace/reviews/{name}.csv", f"{header}\n90,101,1,5,2026-03-02T12:00:00Z,x\n")
    _write(landing, "marketplace/reviews/zz_good.csv", f"{REVIEWS}\n91,101,1,4,2026-03-03T12:00:00Z\n")
    # a re-export under a free name, holding an old review (late) and a new one (on time)
    _write(
        landing,
        "marketplace/reviews/Reviews export (copy).csv",
        f"{REVIEWS}\n92,101,1,5,2026-01-02T12:00:00Z\n93,101,1,4,2026-12-01T12:00:00Z\n",
    )
    _write(landing, "marketplace/reviews/resend_a.csv", f"{REVIEWS}\n94,101,1,5,2026-03-02T12:00:00Z\n")
    _write(landing, "marketplace/reviews/resend_b.csv", f"{REVIEWS}\n94,101,1,2,2026-03-02T12:00:00Z\n")
    _write(landing, "marketplace/reviews/semicolons.csv", "review_id;course_id\n1;2\n3;4\n5;6\n")
    report = land(landing, settings.warehouse_path)
    summary = run_dbt(["build", "--select", "+path:models/staging", "--indirect-selection", "cautious"], settings)
    assert summary.success, summary.failures
    return Landed(settings, report, proof)


def _query(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_hostile_headers_run_nothing_and_the_next_build_passes(landed: Landed) -> None:
    refused = {r.file for r in landed.report.failed}
    assert refused == {f"marketplace/reviews/{name}.csv" for name in HOSTILE} | {"marketplace/reviews/semicolons.csv"}
    assert [r.status for r in landed.report.results if r.file.endswith("zz_good.csv")] == ["loaded"]
    assert not landed.proof.exists()  # the build of the fixture passed and ran nothing of theirs
    assert _query(landed.settings, "select count(*) from staging.stg_marketplace__reviews where review_id = '91'") == [
        (1,)
    ]


def test_a_monthly_file_with_any_name_builds(landed: Landed) -> None:
    late = _query(
        landed.settings,
        "select review_id, is_late_arriving from staging.stg_marketplace__reviews "
        "where review_id in ('92', '93') order by 1",
    )
    assert late == [('92', True), ('93', False)]


def test_two_files_of_one_run_that_disagree_are_reported_with_both_names(landed: Landed) -> None:
    run = validate(
        landed.settings.warehouse_path,
        landed.settings.landing_dir,
        docs_dir=None,
        record=False,
        suites=lambda n: n == "entity__reviews",
    )

    [conflict] = [r for r in run.results if "disagree" in r.expectation]
    assert not conflict.success and conflict.standard == "consistency"
    assert "overwritten_file=marketplace/reviews/resend_a.csv" in conflict.observed_value
    assert "kept_file=marketplace/reviews/resend_b.csv" in conflict.observed_value
    assert _query(landed.settings, "select rating from staging.stg_marketplace__reviews where review_id = '94'") == [
        (2,)
    ]


def test_a_refused_file_fails_completeness_naming_it_until_set_aside(landed: Landed, tmp_path: Path) -> None:
    settings = Settings(warehouse_path=tmp_path / "warehouse.duckdb", landing_dir=landed.settings.landing_dir)
    shutil.copy(landed.settings.warehouse_path, settings.warehouse_path)

    run = validate(
        settings.warehouse_path, settings.landing_dir, docs_dir=None, record=False, suites=lambda n: n == "landing"
    )

    assert failed_standards(run.results) == ["completeness"]
    [row] = [r for r in run.results if not r.success]
    assert "file_path=marketplace/reviews/semicolons.csv" in row.observed_value
    assert "missing_rows_estimated=3" in row.observed_value and "wrong delimiter" in row.observed_value

    for name in [*HOSTILE, "semicolons"]:
        set_aside(settings.warehouse_path, settings.landing_dir, f"marketplace/reviews/{name}.csv", "test export", "qa")
    again = validate(
        settings.warehouse_path, settings.landing_dir, docs_dir=None, record=False, suites=lambda n: n == "landing"
    )
    assert failed_standards(again.results) == []
