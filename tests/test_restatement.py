"""Closed periods do not restate: the warehouse built on the data as it was at a cut (the landing
files of the months before it) and on the full data agree on every KPI of every period that was
final at the cut (complete, mature, not partial), except where rows arrived late: a late-arriving
row of an earlier month written into a file after the cut. Those restatements are counted and
listed with their effect; each must fall in a month such a late row belongs to."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from datasets import build_scorecard  # tests/ is on sys.path
from orchestration.contracts import ENTITIES_BY_NAME
from orchestration.settings import Settings

pytestmark = pytest.mark.slow

CUT = "2026-07"  # the data as it was on 1 July 2026: monthly files of the months before it


def _build(root: Path, landing: Path) -> Settings:
    settings = Settings(warehouse_path=root / "warehouse.duckdb", landing_dir=landing)
    build_scorecard(settings)
    return settings


def _cut(full: Path, cut: Path) -> None:
    """The landing files as they were before CUT: monthly files of earlier months, snapshots as is."""
    for path in full.rglob("*.csv"):
        relative = path.relative_to(full)
        if relative.parts[0] == "_manifest":
            continue
        month = path.stem.rsplit("_", 1)[-1]
        if len(month) == 7 and month >= CUT:
            continue
        (cut / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, cut / relative)


def _late_months_after_cut(full: Path) -> set[str]:
    """Months (YYYY-MM) of the late-arriving rows written into files from CUT on."""
    months = set()
    with (full / "_manifest" / "defects.csv").open(newline="") as handle:
        late = [r for r in csv.DictReader(handle) if r["defect_type"] == "late_arriving"]
    for row in late:
        if row["file"].rsplit("_", 1)[-1][:7] < CUT:
            continue
        column = ENTITIES_BY_NAME[row["entity"]].partitioned_by
        with (full / row["file"]).open(newline="") as handle:
            records = list(csv.DictReader(handle))
        months.add(records[int(row["row_number"]) - 1][column][:7])
    return months


def _final_values(settings: Settings) -> dict[tuple[str, date], float | None]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        rows = con.execute(
            "select kpi_id, period_start, actual_value, is_final_period from marts.kpi_scorecard"
        ).fetchall()
    return {(kpi, start): (value, final) for kpi, start, value, final in rows}


def _months_of(kpi_frequency: str, start: date) -> set[str]:
    if kpi_frequency == "quarterly":
        return {f"{start.year}-{start.month + i:02d}" for i in range(3)}
    if kpi_frequency == "weekly":  # a week may span two months
        from datetime import timedelta

        return {f"{start:%Y-%m}", f"{start + timedelta(days=6):%Y-%m}"}
    return {f"{start:%Y-%m}"}


def _builds(root: Path, full: Settings) -> tuple[dict, dict, set[str], dict[str, str]]:
    """The final KPI values at the cut and now, the months of late rows after the cut, KPI frequencies."""
    cut_landing = root / "cut_landing"
    _cut(full.landing_dir, cut_landing)
    at_cut = _final_values(_build(root / "cut", cut_landing))
    now = _final_values(full)
    with (Path(__file__).parents[1] / "seeds" / "kpi_catalog.csv").open() as handle:
        frequency = {row["kpi_id"]: row["frequency"] for row in csv.DictReader(handle)}
    return at_cut, now, _late_months_after_cut(full.landing_dir), frequency


@pytest.fixture(scope="module")
def builds(
    small_dataset: Settings, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict, dict, set[str], dict[str, str]]:
    return _builds(tmp_path_factory.mktemp("restatement"), small_dataset)  # the default defect rate


def _restated(at_cut: dict, now: dict) -> tuple[dict, list]:
    closed = {key: value for key, (value, final) in at_cut.items() if final}
    assert len(closed) > 300, "too few periods final at the cut to say anything"
    restated = []
    for (kpi, start), before in sorted(closed.items()):
        after, final_now = now[(kpi, start)]
        assert final_now, (kpi, start)
        same = before == after or (
            before is not None and after is not None and abs(before - after) <= 1e-9 * max(1.0, abs(before))
        )
        if not same:
            restated.append((kpi, start, before, after))
    return closed, restated


def test_closed_periods_do_not_restate_except_for_late_rows(builds) -> None:
    at_cut, now, late_months, frequency = builds
    closed, restated = _restated(at_cut, now)
    print(f"\n{len(closed)} KPI periods final at {CUT}-01; {len(restated)} restated by rows arriving late "
          f"(late rows of months {sorted(late_months)}):")
    for kpi, start, before, after in restated:
        print(f"  {kpi} {start}: {before} -> {after}")
    unexplained = [r for r in restated if not _months_of(frequency[r[0]], r[1]) & late_months]
    assert unexplained == [], f"closed periods restated without a late-arriving row: {unexplained}"
    # late rows are rare: most closed periods are untouched
    assert len(restated) <= 0.1 * len(closed)
