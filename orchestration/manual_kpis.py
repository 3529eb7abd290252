"""`python -m orchestration.manual_kpis`: report a KPI value no system measures.

    python -m orchestration.manual_kpis list
    python -m orchestration.manual_kpis add --kpi ops_platform_uptime --period 2026-11 \\
        --value 0.9995 --reported-by "Dana Ruiz" --source "status page" --verified-by "Tom Becker"

`add` checks the report against the catalog (seeds/kpi_catalog.csv, seeds/manual_kpis.csv) with
the rules the warehouse applies again on landing (int_manual_kpi_reports): a manual KPI, a period
in its frequency that is over, a verifier who is not the reporter, a value in the KPI's range. A
valid report is written as one CSV file of the manual source's contract
(LANDING_DIR/manual/kpi_reports/); the next `make run` (or `make land build`) lands and scores it.
A correction is another `add` for the same KPI and period: the newest report wins and the
scorecard marks it a restatement. Nothing is written when a check fails: the error names the field.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from orchestration.contracts import ENTITIES_BY_NAME, MANUAL
from orchestration.settings import PROJECT_DIR, Settings

ENTITY = ENTITIES_BY_NAME["kpi_reports"]
PERIOD_PATTERNS = {"monthly": re.compile(r"(\d{4})-(0[1-9]|1[0-2])"), "quarterly": re.compile(r"(\d{4})-Q([1-4])")}
PERIOD_EXAMPLES = {"monthly": "2026-11", "quarterly": "2026-Q3"}
MAX_TEXT = 200
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class KpiRule:
    kpi_id: str
    kpi_name: str
    frequency: str
    unit: str
    min_value: float
    max_value: float
    due_days: int
    how_to_report: str


@dataclass(frozen=True)
class Report:
    kpi_id: str
    period: str
    value: float
    reported_by: str
    source: str
    verified_by: str
    reported_at: datetime
    verified_at: datetime
    note: str = ""

    @property
    def report_id(self) -> str:
        return f"{self.kpi_id}-{self.period}-{int(self.reported_at.timestamp())}"

    def row(self) -> dict[str, str]:
        return {
            "report_id": self.report_id,
            "kpi_id": self.kpi_id,
            "period": self.period,
            "value": repr(self.value),
            "reported_by": self.reported_by,
            "reported_at": self.reported_at.isoformat(timespec="seconds"),
            "source": self.source,
            "verified_by": self.verified_by,
            "verified_at": self.verified_at.isoformat(timespec="seconds"),
            "note": self.note,
        }


def load_rules(seeds_dir: Path = PROJECT_DIR / "seeds") -> dict[str, KpiRule]:
    """The manual KPIs, with their catalog frequency and unit."""
    with (seeds_dir / "kpi_catalog.csv").open(newline="", encoding="utf-8") as handle:
        catalog = {row["kpi_id"]: row for row in csv.DictReader(handle)}
    with (seeds_dir / "manual_kpis.csv").open(newline="", encoding="utf-8") as handle:
        return {
            row["kpi_id"]: KpiRule(
                row["kpi_id"],
                catalog[row["kpi_id"]]["kpi_name"],
                catalog[row["kpi_id"]]["frequency"],
                catalog[row["kpi_id"]]["unit"],
                float(row["min_value"]),
                float(row["max_value"]),
                int(row["due_days"]),
                row["how_to_report"],
            )
            for row in csv.DictReader(handle)
        }


def period_bounds(period: str, frequency: str) -> tuple[date, date] | None:
    """(first day, first day of the next period) of a label in the frequency, None if it is not one."""
    pattern = PERIOD_PATTERNS.get(frequency)
    match = pattern.fullmatch(period) if pattern else None
    if match is None:
        return None
    year, number = int(match[1]), int(match[2])
    month = number if frequency == "monthly" else 3 * (number - 1) + 1
    start = date(year, month, 1)
    next_month = month + (1 if frequency == "monthly" else 3)
    return start, date(year + (next_month - 1) // 12, (next_month - 1) % 12 + 1, 1)


def problems(report: Report, rules: Mapping[str, KpiRule]) -> list[str]:
    """Every reason the report would be rejected, each naming its field; empty when valid."""
    found = []
    for field in ("reported_by", "source", "verified_by", "note"):
        text = getattr(report, field)
        if field != "note" and not text.strip():
            found.append(f"{field}: missing (a report needs who made it, its source and who verified it)")
        elif CONTROL.search(text) or len(text) > MAX_TEXT:
            found.append(f"{field}: at most {MAX_TEXT} characters, no line breaks or control characters")
    if report.reported_by.strip() and report.reported_by.strip().lower() == report.verified_by.strip().lower():
        found.append(f"verified_by: reported and verified by the same person ({report.reported_by.strip()})")
    if report.verified_at < report.reported_at:
        found.append("verified_at: before reported_at")
    rule = rules.get(report.kpi_id)
    if rule is None:
        known = ", ".join(sorted(rules))
        return [f"kpi_id: {report.kpi_id!r} is not a manual KPI of the catalog (one of: {known})", *found]
    bounds = period_bounds(report.period, rule.frequency)
    if bounds is None:
        example = PERIOD_EXAMPLES[rule.frequency]
        found.append(f"period: {report.period!r} is not a {rule.frequency} period (write it as {example})")
    elif bounds[1] > report.reported_at.date():
        found.append(f"period: {report.period} is not over on {report.reported_at.date()} (the day it is reported)")
    if not rule.min_value <= report.value <= rule.max_value:
        found.append(
            f"value: {report.value:g} is outside {rule.min_value:g} to {rule.max_value:g} "
            f"for {rule.kpi_id} ({rule.how_to_report})"
        )
    return found


def write_report(report: Report, landing_dir: Path) -> Path:
    """One CSV file of the manual source, named by the report (its parts are validated)."""
    folder = landing_dir / MANUAL / ENTITY.name
    folder.mkdir(parents=True, exist_ok=True)
    stamp = report.reported_at.strftime("%Y%m%dT%H%M%S")
    path = folder / f"{ENTITY.name}_{stamp}_{report.kpi_id}_{report.period}.csv"
    with path.open("x", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=ENTITY.column_names, lineterminator="\n")
        writer.writeheader()
        writer.writerow(report.row())
    return path


def _list(rules: Mapping[str, KpiRule]) -> int:
    for rule in rules.values():
        print(
            f"{rule.kpi_id:28} {rule.kpi_name:24} {rule.frequency:9} e.g. {PERIOD_EXAMPLES[rule.frequency]:8} "
            f"{rule.min_value:g}..{rule.max_value:g}, due {rule.due_days} days after the period: {rule.how_to_report}"
        )
    return 0


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m orchestration.manual_kpis", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="the manual KPIs and how to report each")
    add = commands.add_parser("add", help="check a report and write it to the landing dir")
    add.add_argument("--kpi", required=True, help="a manual KPI id (see `list`)")
    add.add_argument("--period", required=True, help="2026-11 for a monthly KPI, 2026-Q3 for a quarterly one")
    add.add_argument("--value", required=True, help="in the KPI's unit; a rate as a fraction (0.023)")
    add.add_argument("--reported-by", required=True)
    add.add_argument("--source", required=True, help="where the number comes from")
    add.add_argument("--verified-by", required=True, help="who checked it (not the reporter)")
    add.add_argument("--verified-at", help="ISO 8601; default: now")
    add.add_argument("--note", default="")
    return parser.parse_args(argv)


def _instant(text: str | None, now: datetime) -> datetime:
    if text is None:
        return now
    parsed = datetime.fromisoformat(text)
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def main(argv: Sequence[str] | None = None, now: datetime | None = None) -> int:
    args = _parse_args(argv)
    rules = load_rules()
    if args.command == "list":
        return _list(rules)
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    try:
        value = float(args.value)
        verified_at = _instant(args.verified_at, now)
    except ValueError as error:
        print(f"error: {error} (value: a number; verified_at: ISO 8601)", file=sys.stderr)
        return 2
    report = Report(
        args.kpi, args.period, value, args.reported_by, args.source, args.verified_by, now, verified_at, args.note
    )
    found = problems(report, rules)
    if found:
        print("error: the report was not written:", *(f"  {p}" for p in found), sep="\n", file=sys.stderr)
        return 2
    path = write_report(report, Settings.from_env().landing_dir)
    print(f"wrote {path}; `make run` (or `make land build`) lands and scores it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
