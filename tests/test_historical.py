"""A historical export is accepted explicitly: timeliness is not applicable, not validated, not
scored, and the publish says so. The golden dataset (early 2026) is such an export."""

from __future__ import annotations

import duckdb
import pytest

from dashboards import data as dashboard_data
from orchestration.quality import data_mode
from orchestration.quality.report import report_lines, validate_and_report
from orchestration.reports.generate import generate_reports
from orchestration.reports.terminal import render_scorecard
from orchestration.serving.publish import current_publish, serving_status
from orchestration.settings import Settings

pytestmark = pytest.mark.slow


def test_the_declared_mode_is_kept_and_read_back(tmp_path) -> None:
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as con:
        assert data_mode.read(con).mode == data_mode.CURRENT  # nothing declared yet
        data_mode.declare(con, historical=True)
        assert data_mode.read(con).historical
        data_mode.declare(con, historical=False)
        assert con.execute("select mode from audit.data_mode").fetchall() == [("current",)]


def test_old_data_fails_timeliness_unless_declared_historical(golden_copy: Settings) -> None:
    from orchestration.serving import publish_step

    current, failed = validate_and_report(golden_copy, docs=False)
    assert "timeliness" in failed

    historical, failed = validate_and_report(golden_copy, docs=False, historical=True)

    assert failed == ["accuracy"]  # the golden dataset's planted defects; timeliness is not judged
    assert not [r for r in historical.results if r.standard == "timeliness"]
    assert "timeliness    not applicable: historical export (declared with --historical)" in report_lines(
        historical, True
    )
    with duckdb.connect(str(golden_copy.warehouse_path)) as con:  # a passing run, so the gate lets it publish
        con.execute("delete from audit.dq_results where run_id = ? and not success", [historical.run_id])
    publish_step(golden_copy, "run-historical", export=False)
    publish = current_publish(golden_copy.serving_path)
    assert publish["timeliness"] == "not applicable: historical export"
    assert serving_status(golden_copy.serving_path).endswith("a historical export: timeliness not applicable")
    assert dashboard_data.is_historical(publish) and not dashboard_data.is_historical({"timeliness": "measured"})


def test_every_report_of_a_historical_export_says_so(golden_copy: Settings) -> None:
    [current] = generate_reports(golden_copy, "month", period="2026-02")
    assert "historical" not in current.markdown.read_text(encoding="utf-8")
    with duckdb.connect(str(golden_copy.warehouse_path)) as con:
        data_mode.declare(con, historical=True)

    [written] = generate_reports(golden_copy, "month", period="2026-02")

    label = "historical export, timeliness not applicable"
    assert f"The data is a {label} (declared with --historical)." in written.markdown.read_text(encoding="utf-8")
    assert label in written.html.read_text(encoding="utf-8")
    assert render_scorecard(written.report).splitlines()[0] == f"Monthly KPI scorecard: February 2026 [{label}]"


def test_dagster_timeliness_checks_say_not_applicable_for_a_historical_export(golden_copy: Settings) -> None:
    from orchestration.defs import gx

    checks = [c for c in gx.gx_checks([gx.STAGING]) if c.standard == "timeliness"]
    assert checks
    with duckdb.connect(str(golden_copy.warehouse_path)) as con:
        data_mode.declare(con, historical=True)

    rows = gx.run_gx(golden_copy, "dagster-historical", checks)

    results = [check.result(rows, "dagster-historical") for check in checks]
    assert all(result.passed for result in results)
    assert all("not applicable: historical export" in str(result.metadata) for result in results)
    with duckdb.connect(str(golden_copy.warehouse_path), read_only=True) as con:
        recorded = con.execute(
            "select count(*) from audit.dq_results where run_id = 'dagster-historical' and standard = 'timeliness'"
        ).fetchone()
    assert recorded == (0,)
