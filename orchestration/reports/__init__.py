"""Executive KPI reports from the scorecard marts (marts.kpi_scorecard, marts.kpi_alerts).

`python -m orchestration.reports --frequency month --period 2026-09` writes
`<reports_dir>/month/2026-09.md` and `.html`: headline KPIs with value, change vs the baseline,
target and a met/missed mark, operational KPIs, active alerts, top movers and the scorecard by
pillar, with trend charts in the HTML. A quarterly report leads with the quarter's quarterly KPIs
against the previous quarter, then shows the monthly KPIs of the quarter's last month against the
previous quarter's last month. A period's report reads no row after the period, so it is
the same whenever it is generated (backfill with --all or --from/--to). The pipeline's summary step
prints the latest monthly scorecard (terminal.render_scorecard) and writes its report.

Modules, one job each: periods (cadences and period arithmetic), queries (marts -> model),
model (plain data and the selections), formatting, charts (SVG, sparklines), markdown, html_page,
terminal, generate (choose periods, write files).
"""
