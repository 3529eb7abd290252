"""An export without refunds or ad spend: the KPIs over them read "no data" (null, grey, the
source named) in the marts, the scorecard, the reports and the terminal, never zero and never
"target met"; every other KPI is scored as before."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from conftest import GOLDEN_LANDING, settings_under
from orchestration.dbt_runner import run_dbt
from orchestration.landing import land
from orchestration.reports.generate import generate_reports
from orchestration.reports.terminal import render_scorecard
from orchestration.settings import Settings

pytestmark = pytest.mark.slow

MONTH = "2026-02"  # the golden dataset's latest complete month
MISSING = {
    "rev_refund_rate": "no data: marketplace.refunds has no staged rows",
    "rev_revenue": "no data: marketplace.refunds has no staged rows",
    "biz_cac": "no data: marketing.ad_spend has no staged rows",
    "biz_clv_to_cac": "no data: marketing.ad_spend has no staged rows",
}


@pytest.fixture(scope="module")
def without_sources(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = settings_under(tmp_path_factory.mktemp("no-data"))
    shutil.copytree(GOLDEN_LANDING, settings.landing_dir)
    shutil.rmtree(settings.landing_dir / "marketplace" / "refunds")
    shutil.rmtree(settings.landing_dir / "marketing" / "ad_spend")
    report = land(settings.landing_dir, settings.warehouse_path)
    assert not report.failed, report.failed
    summary = run_dbt(["build"], settings)
    assert summary.success, summary.failures
    return settings


def _rows(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_marts_leave_the_figures_of_a_missing_source_null(without_sources: Settings) -> None:
    revenue = _rows(without_sources, "select collected_usd, refunded_usd, refund_rate, revenue_usd from marts.revenue_monthly")
    assert revenue and all(collected is not None for collected, *_ in revenue)
    assert {tuple(row[1:]) for row in revenue} == {(None, None, None)}
    economics = _rows(
        without_sources, "select new_paying_customers, marketing_spend_usd, cac_usd from marts.business_customer_economics_monthly"
    )
    assert economics and all(new is not None for new, *_ in economics)
    assert {tuple(row[1:]) for row in economics} == {(None, None)}


def test_scorecard_names_the_missing_source(without_sources: Settings) -> None:
    rows = _rows(
        without_sources,
        f"""
        select kpi_id, status, status_reason, actual_value
        from marts.kpi_scorecard
        where period_start = date '{MONTH}-01' and frequency = 'monthly'
        """,
    )
    by_kpi = {kpi: (status, reason, value) for kpi, status, reason, value in rows}
    for kpi, reason in MISSING.items():
        assert by_kpi[kpi] == ("no_data", reason, None), kpi
    # a KPI over payments alone is still scored
    assert by_kpi["rev_average_order_value"][0] not in ("no_data", "provisional")
    assert by_kpi["rev_average_order_value"][2] is not None


def test_every_monthly_kpi_has_a_row_even_where_its_mart_has_none(without_sources: Settings) -> None:
    [(kpis, periods, rows)] = _rows(
        without_sources,
        """
        select count(distinct kpi_id), count(distinct period_start), count(*)
        from marts.kpi_scorecard where frequency = 'monthly'
        """,
    )
    assert rows == kpis * periods


def test_reports_and_terminal_say_no_data_with_the_reason(without_sources: Settings) -> None:
    [written] = generate_reports(without_sources, "month", period=MONTH)
    markdown = written.markdown.read_text(encoding="utf-8")
    no_data = markdown.split("## No data\n", 1)[1].split("\n\n", 1)[0]
    assert "- Refund rate: no data: marketplace.refunds has no staged rows" in no_data
    assert "- Customer acquisition cost: no data: marketing.ad_spend has no staged rows" in no_data
    html = written.html.read_text(encoding="utf-8")
    assert "<strong>Refund rate</strong>: no data: marketplace.refunds has no staged rows" in html
    terminal = render_scorecard(written.report)
    assert "\nNo data\n" in terminal and "  Refund rate: no data: marketplace.refunds has no staged rows" in terminal
    refund_line = next(line for line in terminal.splitlines() if "Refund rate" in line and "[N/A]" in line)
    assert "$0" not in refund_line and "0.0%" not in refund_line
