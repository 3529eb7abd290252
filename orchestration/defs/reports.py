"""The executive KPI reports (`orchestration.reports`), one asset per cadence; the schedules of
the reporting calendar that materialize them are in `automation`.

`reports/<cadence>_report` writes `<REPORTS_DIR>/<cadence>/<period>.md` and `.html` for the period
in its run config (the schedules name the period that just ended) or, when none is given (e.g.
"Materialize all" in the UI), the latest complete period. It reads the scorecard marts, so it
waits for their blocking checks.
"""

import dagster as dg
from pydantic import Field

from orchestration.dbt_target import dbt_target
from orchestration.defs.automation import REPORT_FREQUENCIES, report_key
from orchestration.defs.resources import WarehouseResource
from orchestration.reports.generate import generate_reports
from orchestration.reports.periods import CADENCES, period_key, period_label
from orchestration.reports.queries import ReportError

GROUP = "reports"
SCORECARD_MARTS = [
    dg.AssetKey(["marts", name]) for name in ("kpi_scorecard", "kpi_alerts", "kpi_catalog", "kpi_drivers")
]
PREVIEW_CHARS = 6000


class ReportConfig(dg.Config):
    period: str | None = Field(
        default=None,
        description="The period to report, as `python -m orchestration.reports --period` takes it "
        "(2026-10-05, 2026-W41, 2026-10, 2026-Q3) or a date inside it; empty: the latest complete one.",
    )


def build_report_asset(frequency: str) -> dg.AssetsDefinition:
    cadence = CADENCES[frequency]

    @dg.asset(
        key=report_key(frequency),
        deps=SCORECARD_MARTS,
        group_name=GROUP,
        kinds={"markdown", "html"},
        description=f"{cadence.adjective} executive KPI report (orchestration.reports --frequency {frequency}): "
        "headline KPIs against target, alerts, top movers, scorecard by pillar.",
    )
    def report(
        context: dg.AssetExecutionContext, config: ReportConfig, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        settings = warehouse.settings()
        try:
            written = generate_reports(settings, frequency, config.period)
        except ReportError as error:
            raise dg.Failure(description=f"no {frequency} report: {error}") from None
        item = written[0]
        start = item.report.period_start
        context.log.info(f"{cadence.adjective} report for {period_label(cadence, start)}: {item.markdown}, {item.html}")
        markdown = item.markdown.read_text(encoding="utf-8")
        return dg.MaterializeResult(
            metadata={
                "period": period_key(cadence, start),
                "markdown": dg.MetadataValue.path(str(item.markdown)),
                "html": dg.MetadataValue.path(str(item.html)),
                "preview": dg.MetadataValue.md(
                    markdown[:PREVIEW_CHARS] + ("\n\n…" if len(markdown) > PREVIEW_CHARS else "")
                ),
            }
        )

    return report


@dg.definitions
def defs() -> dg.Definitions:
    # the reports read the DuckDB warehouse's marts: built there only on the DuckDB target
    frequencies = REPORT_FREQUENCIES if dbt_target().on_duckdb else ()
    return dg.Definitions(assets=[build_report_asset(f) for f in frequencies])
