"""`python -m orchestration.quality [validate|render|check]`.

validate (default): run every suite on the warehouse ($WAREHOUSE_PATH), write audit.dq_results and
    audit.dq_scores, build Data Docs, print the scores and each failed expectation; exit 1 when a
    critical standard (completeness, accuracy, timeliness) failed.
render: rewrite expectations/suites/*.json from the definitions (after a contract or dbt YAML change).
check: exit 1 when the suite files are out of date.
"""

from __future__ import annotations

import argparse
import sys

from orchestration.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.quality", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="validate", choices=("validate", "render", "check"))
    parser.add_argument("--no-docs", action="store_true", help="skip building Data Docs")
    parser.add_argument(
        "--historical", action="store_true", help="the data is a historical export: timeliness is not applicable"
    )
    args = parser.parse_args(argv)
    if args.command == "render":
        from orchestration.quality.suites import render

        paths = render()
        print(f"{len(paths)} suite files written to {paths[0].parent}")
        return 0
    if args.command == "check":
        from orchestration.quality.suites import stale_files

        stale = stale_files()
        for name in stale:
            print(f"out of date: expectations/suites/{name}", file=sys.stderr)
        if stale:
            print("run: python -m orchestration.quality render", file=sys.stderr)
        return 1 if stale else 0
    from orchestration.pipeline_lock import LockBusy, warehouse_lock
    from orchestration.quality.report import report_lines, validate_and_report

    settings = Settings.from_env()
    try:
        with warehouse_lock(settings.warehouse_path):  # it records audit results in the warehouse
            run, failed = validate_and_report(settings, docs=not args.no_docs, historical=args.historical)
    except LockBusy as busy:
        print(f"error: {busy}", file=sys.stderr)
        return 1
    print("\n".join(report_lines(run, args.historical)))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
