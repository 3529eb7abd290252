"""`python -m orchestration.reports`: write executive KPI reports from the warehouse's marts.

  python -m orchestration.reports                                    latest complete month
  python -m orchestration.reports --frequency week --period 2026-W41
  python -m orchestration.reports --frequency quarter --all          every complete quarter
  python -m orchestration.reports --frequency day --from 2026-10-01 --to 2026-10-31

Reads $WAREHOUSE_PATH, writes $REPORTS_DIR/<frequency>/<period>.md and .html. A single report is
also printed as a scorecard table. Exits 1 with the reason when the warehouse, its scorecard or the
period's complete data is missing.
"""

from __future__ import annotations

import argparse
import sys

from orchestration.reports.generate import generate_reports
from orchestration.reports.periods import CADENCES, PeriodError
from orchestration.reports.queries import ReportError
from orchestration.reports.terminal import render_scorecard, use_color
from orchestration.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.reports",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--frequency", choices=list(CADENCES), default="month", help="report cadence (default: month)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--period", help="one period: 2026-10-05, 2026-W41, 2026-10, 2026-Q3 or a date inside it "
                                        "(default: the latest complete one)")
    which.add_argument("--all", action="store_true", help="every complete period (backfill)")
    parser.add_argument("--from", dest="since", metavar="PERIOD", help="backfill from this period on")
    parser.add_argument("--to", dest="until", metavar="PERIOD", help="backfill up to this period")
    args = parser.parse_args(argv)
    if args.period and (args.since or args.until):
        parser.error("--period names one period; use --from/--to for a range")
    settings = Settings.from_env()
    try:
        written = generate_reports(settings, args.frequency, args.period, args.all, args.since, args.until)
    except (ReportError, PeriodError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if len(written) == 1:
        print(render_scorecard(written[0].report, color=use_color(sys.stdout)))
        print(f"\nreport: {written[0].markdown}\n        {written[0].html}")
    else:
        folder = written[0].markdown.parent
        print(f"{len(written)} {args.frequency} reports ({written[0].markdown.stem} to {written[-1].markdown.stem}) "
              f"written to {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
