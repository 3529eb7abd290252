"""What a landed and staged (scratch) warehouse says about each file: rows that stage, rows that
are quarantined and why, files refused and why.

Read from `raw.landing_inventory` and `raw.load_ledger` (what landing did with each file) and the
`staging.base_<source>__<entity>` models (each row's `_dq_reason`: `'; '`-separated reasons, each
`<column>: <problem> ...`, or `<consistency rule>: ...`). Reasons are grouped in SQL by file,
column and problem kind (the problem without the quoted value: `unparseable timestamp`,
`ambiguous timestamp`, `not an accepted value`, `orphaned, no valid orders.order_id`), so the
work stays in DuckDB however many rows there are; `reason_kind` names the column (a rule's
reasons count for the column it checks).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration import duckdb_connect
from orchestration.contracts import ENTITIES, Entity, ExistsIn
from orchestration.mapping import SourceMapping

STAGING_SCHEMA = "staging"
# What follows the problem's words: the quoted value or a parenthesis with the value.
VALUE_TAIL = r"\s*['(].*$"
REASON_SEPARATOR = "; "


def base_model(entity: Entity) -> str:
    return f"base_{entity.source}__{entity.name}"


@dataclass(frozen=True)
class FileOutcome:
    file: str  # relative to the landing dir
    entity: str | None  # "<source>.<entity>"
    status: str  # loaded | failed | set_aside
    rows: int = 0
    staged: int = 0
    quarantined: int = 0
    duplicates: int = 0
    error: str | None = None
    estimated_rows: int = 0  # of a refused file


@dataclass(frozen=True)
class ReasonCount:
    file: str
    entity: str  # "<source>.<entity>"
    column: str  # the contract column ("order_id"), or a rule's columns
    export_column: str  # as the export names it
    kind: str  # "unparseable timestamp", "payment_before_order", ...
    rows: int
    example: str  # one reason, without its `<column>: `


def reason_kind(prefix: str, problem_kind: str, entity: Entity) -> tuple[str, str] | None:
    """(column, kind) of one reason given its `<prefix>: ` and its problem without the value;
    None for a fragment that is no reason (a quoted value that held `'; '`)."""
    for rule in entity.consistency_rules:
        if rule.name == prefix:
            column = ", ".join(rule.columns) if isinstance(rule, ExistsIn) else rule.column
            return column, rule.name
    if prefix in entity.column_names:
        return prefix, problem_kind
    return None


def problem_kind(problem: str) -> str:
    """The problem's words without the value (the same rule the SQL applies, for tests)."""
    return re.sub(VALUE_TAIL, "", problem, flags=re.DOTALL)


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    rows = con.execute("select table_name from information_schema.tables where table_schema = ?", [schema]).fetchall()
    return {r[0] for r in rows}


def _staged_counts(con: duckdb.DuckDBPyConnection, entity: Entity) -> dict[str, tuple[int, int, int, int]]:
    rows = con.execute(
        f"""
        select
            _source_file,
            count(*),
            count(*) filter (where _dq_reason is null and not _is_duplicate),
            count(*) filter (where _dq_reason is not null),
            count(*) filter (where _is_duplicate)
        from {STAGING_SCHEMA}.{base_model(entity)}
        group by _source_file
        """
    ).fetchall()
    return {file: (total, staged, quarantined, duplicates) for file, total, staged, quarantined, duplicates in rows}


def file_outcomes(con: duckdb.DuckDBPyConnection) -> list[FileOutcome]:
    """Every file of the landing dir (the inventory) with its rows' fate in staging."""
    built = _tables(con, STAGING_SCHEMA)
    counts: dict[str, tuple[int, int, int, int]] = {}
    for entity in ENTITIES:
        if base_model(entity) in built:
            counts.update(_staged_counts(con, entity))
    inventory = con.execute(
        """
        select inventory.file_path, ledger.source_name, ledger.entity, inventory.status,
               coalesce(ledger.rows_loaded, 0), inventory.error, inventory.estimated_rows
        from raw.landing_inventory as inventory
        left join raw.load_ledger as ledger on inventory.batch_id = ledger.batch_id
        order by inventory.file_path
        """
    ).fetchall()
    outcomes = []
    for file, source, entity, status, rows_loaded, error, estimated in inventory:
        total, staged, quarantined, duplicates = counts.get(file, (rows_loaded, 0, 0, 0))
        outcomes.append(
            FileOutcome(
                file,
                f"{source}.{entity}" if source and entity else entity,
                status,
                total,
                staged,
                quarantined,
                duplicates,
                error,
                estimated or 0,
            )
        )
    return outcomes


def reason_counts(con: duckdb.DuckDBPyConnection, mappings: Mapping[str, SourceMapping]) -> list[ReasonCount]:
    """Quarantined rows per file, column and problem kind (a row with two reasons counts twice)."""
    built = _tables(con, STAGING_SCHEMA)
    counts = []
    for entity in ENTITIES:
        if base_model(entity) not in built:
            continue
        rows = con.execute(
            f"""
            with reasons as (
                select _source_file, _batch_id, _row_number, unnest(string_split(_dq_reason, $separator)) as reason
                from {STAGING_SCHEMA}.{base_model(entity)}
                where _dq_reason is not null
            )
            select
                _source_file,
                split_part(reason, ': ', 1) as prefix,
                regexp_replace(substr(reason, strpos(reason, ': ') + 2), $tail, '', 's') as kind,
                count(distinct (_batch_id, _row_number)) as quarantined,
                min(reason) as example
            from reasons
            where strpos(reason, ': ') > 0
            group by all
            """,
            {"separator": REASON_SEPARATOR, "tail": VALUE_TAIL},
        ).fetchall()
        mapping = mappings[entity.source].entities[entity.name]
        for file, prefix, kind, n, example in rows:
            resolved = reason_kind(prefix, kind, entity)
            if resolved is None:
                continue
            column, kind = resolved
            export = ", ".join(mapping.export_column(c) for c in column.split(", "))
            value = example.split(": ", 1)[1]  # the prefix is in `column` and `kind` already
            counts.append(ReasonCount(file, f"{entity.source}.{entity.name}", column, export, kind, n, value))
    return sorted(counts, key=lambda r: (r.file, -r.rows, r.column, r.kind))


@dataclass
class CheckResult:
    directory: Path
    mappings_dir: Path
    files: list[FileOutcome] = field(default_factory=list)
    reasons: list[ReasonCount] = field(default_factory=list)
    not_landed: list[tuple[str, str]] = field(default_factory=list)  # (export file, why it would not land)
    dbt_success: bool = True
    dbt_failures: list[str] = field(default_factory=list)
    tests_failed: int = 0
    kept: Path | None = None  # where the scratch project and warehouse were kept

    @property
    def all_stage(self) -> bool:
        return not self.not_landed and all(
            f.status == "loaded" and f.quarantined == 0 for f in self.files
        )


def summarise(warehouse: Path, mappings: Mapping[str, SourceMapping]) -> tuple[list[FileOutcome], list[ReasonCount]]:
    with duckdb_connect.connect(str(warehouse), read_only=True) as con:
        return file_outcomes(con), reason_counts(con, mappings)


def _cut(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _counts(rows: int, staged: int, quarantined: int, duplicates: int) -> str:
    return f"{rows:>9,} {staged:>9,} {quarantined:>10,} {duplicates:>9,}"


def _reason_label(reason: ReasonCount) -> str:
    column = reason.column
    if reason.export_column != reason.column:
        column += f" ({reason.export_column})"
    return f"{column}: {reason.kind}"


def _reason_line(reason: ReasonCount, width: int) -> str:
    return f"    {_reason_label(reason):<{width}} {reason.rows:>9,}  e.g. {_cut(reason.example, 80)}"


def _file_lines(result: CheckResult) -> list[str]:
    """A line per file (its rows' fate, or why it is refused), its reasons under it."""
    width = min(max([len(f.file) for f in result.files] + [len(f) for f, _ in result.not_landed] + [4]), 70)
    entity_width = max([len(f.entity or "-") for f in result.files] + [6])
    header = f"{'rows':>9} {'stage':>9} {'quarantine':>10} {'duplicate':>9}"
    lines = [f"{'file':<{width}} {'entity':<{entity_width}} {header}"]
    by_file: dict[str, list[ReasonCount]] = {}
    for reason in result.reasons:
        by_file.setdefault(reason.file, []).append(reason)
    reason_width = min(max([len(_reason_label(r)) for r in result.reasons] + [width + entity_width - 4]), 80)
    for outcome in result.files:
        head = f"{outcome.file:<{width}} {outcome.entity or '-':<{entity_width}}"
        if outcome.status != "loaded":
            lines.append(f"{head} REFUSED (about {outcome.estimated_rows:,} rows)")
            lines.append(f"    {_cut(outcome.error or outcome.status)}")
            continue
        lines.append(f"{head} {_counts(outcome.rows, outcome.staged, outcome.quarantined, outcome.duplicates)}")
        lines += [_reason_line(r, reason_width) for r in by_file.get(outcome.file, [])]
    lines += [f"{file:<{width}} {'-':<{entity_width}} NOT LANDED: {why}" for file, why in result.not_landed]
    return lines


def _entity_lines(result: CheckResult) -> list[str]:
    """Per entity: its files' rows summed, refused files counted."""
    entities = sorted({f.entity or "-" for f in result.files})
    width = max([len(e) for e in entities] + [10])
    lines = [f"{'per entity':<{width}} {'rows':>9} {'stage':>9} {'quarantine':>10} {'duplicate':>9}  refused files"]
    for name in entities:
        own = [f for f in result.files if (f.entity or "-") == name]
        loaded = [f for f in own if f.status == "loaded"]
        totals = [sum(getattr(f, a) for f in loaded) for a in ("rows", "staged", "quarantined", "duplicates")]
        lines.append(f"{name:<{width}} {_counts(*totals)}  {len(own) - len(loaded)}")
    return lines


def report_lines(result: CheckResult) -> list[str]:
    loaded = [f for f in result.files if f.status == "loaded"]
    refused = [f for f in result.files if f.status != "loaded"]
    lines = [
        f"check of {result.directory} with the mappings in {result.mappings_dir}",
        "(a dry run: landed and staged in a scratch warehouse with a scratch copy of the dbt project; "
        "the real warehouse is not touched)",
        "",
        *_file_lines(result),
        "",
        *_entity_lines(result),
        "",
        f"total: {sum(f.rows for f in loaded):,} rows in {len(loaded)} files: "
        f"{sum(f.staged for f in loaded):,} would stage, "
        f"{sum(f.quarantined for f in loaded):,} quarantined, {sum(f.duplicates for f in loaded):,} duplicates; "
        f"{len(refused)} files refused (about {sum(f.estimated_rows for f in refused):,} rows)"
        + (f"; {len(result.not_landed)} files not landed" if result.not_landed else ""),
        "(a row with several reasons counts once per reason above)",
    ]
    if result.tests_failed:
        lines.append(f"dbt: {result.tests_failed} staging tests failed on this data (the quarantine above is why)")
    if not result.dbt_success:
        lines += ["dbt could not build staging:"] + [f"    {_cut(f, 300)}" for f in result.dbt_failures]
    if result.kept:
        lines.append(f"kept the scratch project and warehouse in {result.kept}")
    return lines
