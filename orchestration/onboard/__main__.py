"""`python -m orchestration.onboard profile <dir>` | `check <dir> --mappings <dir>`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from orchestration.contracts import SOURCES
from orchestration.mapping import MappingError


def _profile(args: argparse.Namespace) -> int:
    from orchestration.onboard.profile import profile_export
    from orchestration.onboard.proposal import ProposalError, write_proposals
    from orchestration.onboard.summary import summary_lines

    profile = profile_export(args.dir, args.source)
    try:
        written = write_proposals(profile, args.out, force=args.force)
    except ProposalError as error:
        print("\n".join(summary_lines(profile, [])))
        print(f"error: {error}", file=sys.stderr)
        return 1
    print("\n".join(summary_lines(profile, written)))
    return 0 if profile.sources else 1


def _check(args: argparse.Namespace) -> int:
    from orchestration.onboard.check import dry_run
    from orchestration.onboard.outcomes import report_lines

    print("landing the export and building staging in scratch copies (about a minute) ...", file=sys.stderr, flush=True)
    try:
        result = dry_run(args.dir, args.mappings, keep=args.keep)
    except (MappingError, FileExistsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("\n".join(report_lines(result)))
    if not result.dbt_success:
        return 2
    return 0 if result.all_stage else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.onboard", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    profile = commands.add_parser("profile", help="read an export and propose a source mapping per source system")
    profile.add_argument("dir", type=Path, help="the export: a folder of CSV files, any layout")
    profile.add_argument("--source", choices=SOURCES, help="the export is this source system's (else guessed per file)")
    profile.add_argument("--out", type=Path, default=Path("mappings-proposed"), help="where to write <source>.yml")
    profile.add_argument("--force", action="store_true", help="overwrite existing files in --out")
    profile.set_defaults(run=_profile)

    check = commands.add_parser(
        "check",
        help="dry-run the mappings: land and stage the export in scratch copies; exit 0 when every row "
        "would stage, 1 when rows are quarantined or files refused, 2 when it cannot run",
    )
    check.add_argument("dir", type=Path, help="the export")
    check.add_argument("--mappings", type=Path, required=True, help="the mapping folder (<source>.yml files)")
    check.add_argument("--keep", type=Path, help="keep the scratch project and warehouse in this new folder")
    check.set_defaults(run=_check)

    args = parser.parse_args(argv)
    if not args.dir.is_dir():
        print(f"error: {args.dir} is not a folder", file=sys.stderr)
        return 2
    return int(args.run(args))


if __name__ == "__main__":
    raise SystemExit(main())
