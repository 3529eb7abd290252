"""Choose the periods, load their data, write `<reports_dir>/<cadence>/<period>.md` and `.html`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from orchestration.reports.html_page import render_html
from orchestration.reports.markdown import render_markdown
from orchestration.reports.model import Report
from orchestration.reports.periods import CADENCES, Cadence, parse_period, period_key
from orchestration.reports.queries import ReportError, complete_periods, connect, load_report
from orchestration.settings import Settings


@dataclass(frozen=True)
class Written:
    report: Report
    markdown: Path
    html: Path


@contextmanager
def warehouse(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(settings.warehouse_path)
    try:
        yield con
    finally:
        con.close()


def select_periods(
    con: duckdb.DuckDBPyConnection,
    cadence: Cadence,
    period: str | None = None,
    all_periods: bool = False,
    since: str | None = None,
    until: str | None = None,
) -> list[date]:
    """The period starts to report: the named period; every complete period (optionally from
    `since` to `until`, both included); or by default the latest complete one."""
    if period is not None:
        return [parse_period(cadence, period)]
    done = complete_periods(con, cadence)
    if all_periods or since or until:
        first = parse_period(cadence, since) if since else date.min
        last = parse_period(cadence, until) if until else date.max
        chosen = [start for start in done if first <= start <= last]
        if not chosen:
            raise ReportError(f"no complete {cadence.name} in the scorecard between {since or 'the start'} "
                              f"and {until or 'the end'}")
        return chosen
    if not done:
        raise ReportError(f"no complete {cadence.name} in the scorecard yet: nothing to report")
    return [done[-1]]


def report_paths(reports_dir: Path, report: Report) -> tuple[Path, Path]:
    stem = reports_dir / report.cadence.name / period_key(report.cadence, report.period_start)
    return stem.with_suffix(".md"), stem.with_suffix(".html")


def _write(path: Path, text: str) -> None:
    """Write through a temporary file, so a reader never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8", newline="\n")
    os.replace(partial, path)


def write_report(report: Report, reports_dir: Path) -> Written:
    markdown, html = report_paths(reports_dir, report)
    _write(markdown, render_markdown(report))
    _write(html, render_html(report))
    return Written(report, markdown, html)


def generate_reports(
    settings: Settings,
    cadence_name: str,
    period: str | None = None,
    all_periods: bool = False,
    since: str | None = None,
    until: str | None = None,
) -> list[Written]:
    cadence = CADENCES[cadence_name]
    with warehouse(settings) as con:
        starts = select_periods(con, cadence, period, all_periods, since, until)
        return [
            write_report(load_report(con, cadence, start, settings.warehouse_path), settings.reports_dir)
            for start in starts
        ]
