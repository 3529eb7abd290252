"""Manually reported KPIs: the CLI's checks (the same rules int_manual_kpi_reports applies on
landing, shown in tests/test_golden.py), the file it writes, and hostile input."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from orchestration import manual_kpis
from orchestration.contracts import ENTITIES_BY_NAME
from orchestration.manual_kpis import Report, load_rules, period_bounds, problems, write_report

NOW = datetime(2026, 12, 5, 15, tzinfo=UTC)
RULES = load_rules()
VALID = Report("ops_platform_uptime", "2026-11", 0.9995, "Dana", "status page", "Tom", NOW, NOW)


def test_the_manual_kpis_are_catalog_kpis_with_their_frequency() -> None:
    assert set(RULES) == {
        "mkt_market_share", "mkt_brand_awareness", "mkt_industry_recognition", "ops_platform_uptime",
        "ppl_employee_satisfaction",
    }
    assert RULES["ops_platform_uptime"].frequency == "monthly"
    assert RULES["mkt_market_share"].frequency == "quarterly"


def test_the_generator_reports_the_manual_kpis_in_their_catalog_frequency() -> None:
    from orchestration.datagen.manual_reports import MANUAL_KPIS

    assert {kpi.kpi_id: kpi.frequency for kpi in MANUAL_KPIS} == {k: rule.frequency for k, rule in RULES.items()}


def test_period_bounds_by_frequency() -> None:
    assert period_bounds("2026-11", "monthly") == (date(2026, 11, 1), date(2026, 12, 1))
    assert period_bounds("2026-12", "monthly") == (date(2026, 12, 1), date(2027, 1, 1))
    assert period_bounds("2026-Q4", "quarterly") == (date(2026, 10, 1), date(2027, 1, 1))
    assert period_bounds("2026-Q3", "monthly") is None
    assert period_bounds("2026-13", "monthly") is None
    assert period_bounds("2026-11 ", "monthly") is None


def test_a_valid_report_has_no_problem() -> None:
    assert problems(VALID, RULES) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"kpi_id": "rev_revenue"}, "kpi_id: 'rev_revenue' is not a manual KPI of the catalog"),
        ({"kpi_id": "x'); drop table raw.orders; --"}, "kpi_id: \"x'); drop table raw.orders; --\" is not a manual"),
        ({"period": "2026-Q4"}, "period: '2026-Q4' is not a monthly period (write it as 2026-11)"),
        ({"period": "2026-12"}, "period: 2026-12 is not over on 2026-12-05 (the day it is reported)"),
        ({"period": "2027-01"}, "period: 2027-01 is not over on 2026-12-05"),
        ({"value": 1.5}, "value: 1.5 is outside 0 to 1 for ops_platform_uptime"),
        ({"value": float("nan")}, "value: nan is outside 0 to 1"),
        ({"verified_by": " "}, "verified_by: missing"),
        ({"source": ""}, "source: missing"),
        ({"verified_by": " dana "}, "verified_by: reported and verified by the same person (Dana)"),
        ({"reported_by": "Dana\nRuiz"}, "reported_by: at most 200 characters, no line breaks"),
        ({"note": "x" * 201}, "note: at most 200 characters"),
        ({"verified_at": datetime(2026, 12, 5, 14, tzinfo=UTC)}, "verified_at: before reported_at"),
    ],
)
def test_each_rule_names_its_field(change: dict[str, object], expected: str) -> None:
    found = problems(replace(VALID, **change), RULES)
    assert len(found) == 1 and found[0].startswith(expected), found


def test_every_problem_is_reported_at_once() -> None:
    report = replace(VALID, period="2026-13", value=2.0, verified_by="")
    assert [p.split(":")[0] for p in problems(report, RULES)] == ["verified_by", "period", "value"]


def test_the_written_file_is_a_contract_file_a_hostile_note_stays_data(tmp_path: Path) -> None:
    report = replace(VALID, note='=HYPERLINK("x"), "quoted", comma')
    path = write_report(report, tmp_path)
    assert path.parent == tmp_path / "manual" / "kpi_reports"
    with path.open(newline="", encoding="utf-8") as handle:
        [row] = list(csv.DictReader(handle))
    assert tuple(row) == ENTITIES_BY_NAME["kpi_reports"].column_names
    assert row["note"] == report.note and row["value"] == "0.9995"
    assert row["reported_at"] == "2026-12-05T15:00:00+00:00"
    with pytest.raises(FileExistsError):  # the same report twice is never a silent overwrite
        write_report(report, tmp_path)


def test_the_cli_writes_a_valid_report_and_refuses_an_invalid_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LANDING_DIR", str(tmp_path))
    args = ["add", "--kpi", "mkt_market_share", "--period", "2026-Q3", "--value", "0.023", "--reported-by", "Lena",
            "--source", "market study", "--verified-by", "Priya"]
    assert manual_kpis.main(args, now=NOW) == 0
    [written] = (tmp_path / "manual" / "kpi_reports").glob("*.csv")
    assert written.name == "kpi_reports_20261205T150000_mkt_market_share_2026-Q3.csv"
    bad = [*args[:4], "2026-Q4", "--value", "lots", *args[7:]]
    assert manual_kpis.main(bad, now=NOW) == 2
    assert "value: a number" in capsys.readouterr().err
    assert manual_kpis.main([*args[:4], "2026-Q4", *args[5:]], now=NOW) == 2
    assert "period: 2026-Q4 is not over on 2026-12-05" in capsys.readouterr().err
    assert len(list((tmp_path / "manual" / "kpi_reports").glob("*.csv"))) == 1
