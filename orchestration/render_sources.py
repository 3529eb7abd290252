"""Render the staging sources from the landing contract and the source mappings: one
`models/staging/<source>/_<source>__sources.yml` per source system, the base models and each
source's row-accounting model
(`orchestration.render_staging`).

The contract (`orchestration.contracts`) is the one place entity columns and rules are written,
the source mappings (`orchestration.mapping`, MAPPING_DIR) how each system exports them. In
the sources files a source column is named as the raw table has it (the export's name), documented
with its contract rules in `meta` (its contract name in `meta.contract_name` when they differ);
the base models turn the same rules into SQL. Both are committed; `tests/test_contracts.py` fails
when one is out of date. Run `python -m orchestration.render_sources` after changing the contract
or a mapping (`--check` only says whether that is needed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from orchestration.contracts import ENTITIES, SOURCES, Anchor, Column, ConsistencyRule, Entity, ExistsIn
from orchestration.mapping import ISO8601, EntityMapping, MappingError, SourceMapping, ambiguous_pairs, load_mappings
from orchestration.render_staging import (
    escape_jinja,
    render_base_models,
    render_row_accounting_models,
    stale_files,
    write_files,
)
from orchestration.settings import PROJECT_DIR, Settings

STAGING_DIR = Path("models/staging")


def sources_file(source: str) -> Path:
    """Where a source system's dbt sources are declared, relative to the project: its own staging
    folder, beside its base, stg_ and quarantine_ models."""
    return STAGING_DIR / source / f"_{source}__sources.yml"


SOURCE_DESCRIPTIONS = {
    "marketplace": "Marketplace database exports: catalog, students, orders, payments, refunds, reviews, FX rates.",
    "billing": "Billing system: all-access subscription plans and lifecycle events, and the installment plans "
    "orders are paid through.",
    "learning": "Learning platform: lessons, enrollments with progress, activity events, assessments, certificates, "
    "surveys.",
    "web_analytics": "Web-analytics tool export of website sessions.",
    "marketing": "Influencer-marketing platform: influencers, campaigns, tracking links, daily metrics.",
    "crm": "CRM: leads from first contact to qualification and their first payment, and the student referral "
    "programme's invitations.",
    "email": "Email marketing tool: sends with delivery, opens, clicks and unsubscribes.",
    "social": "Social listening tool: brand and competitor mentions with sentiment, branded search volume.",
    "support": "Support desk: tickets students open, with first answer, resolution and satisfaction.",
    "community": "Community forum: the threads and replies students post in the course spaces.",
    "experimentation": "Experimentation tool: registered A/B tests and the units assigned to their variants, "
    "with their conversions.",
    "manual": "Manually reported KPI values (market share, brand awareness, employee satisfaction, uptime, "
    "awards), each verified by a second person.",
}

LINEAGE_COLUMNS = (
    ("_loaded_at", "When the landing step loaded this row (UTC)."),
    ("_source_file", "Landing file the row came from, relative to the landing directory."),
    ("_batch_id", "Landing batch (one per file load); see raw.load_ledger."),
    ("_row_number", "1-based data row number within the source file."),
)


def _column_meta(column: Column) -> dict[str, Any]:
    meta: dict[str, Any] = {"type": column.type, "required": column.required}
    if column.accepted_values:
        meta["accepted_values"] = list(column.accepted_values)
    if column.min_value is not None:
        meta["min_value"] = column.min_value
    if column.max_value is not None:
        meta["max_value"] = column.max_value
    if column.references:
        meta["references"] = column.references
    return meta


def _anchor_meta(anchor: Anchor) -> dict[str, Any]:
    meta: dict[str, Any] = {"timestamp": anchor.timestamp, "label": anchor.label}
    if anchor.via:
        meta.update(via=anchor.via, key=anchor.key)
    if anchor.where:
        meta["where"] = dict(anchor.where)
    return meta


def _rule_meta(rule: ConsistencyRule) -> dict[str, Any]:
    if isinstance(rule, ExistsIn):
        return {
            "name": rule.name,
            "kind": "exists_in",
            "columns": list(rule.columns),
            "entity": rule.entity,
            "entity_columns": list(rule.entity_columns),
        }
    return {
        "name": rule.name,
        "kind": "not_before",
        "column": rule.column,
        "anchors": [_anchor_meta(a) for a in rule.anchors],
    }


def _mapped_column(column: Column, mapping: EntityMapping, source: SourceMapping) -> dict[str, Any]:
    """The source column of a contract column: named as exported, with how to read it. dbt renders
    Jinja in YAML, so a brace in a value of the mapping is written as Jinja that prints it."""
    meta = _column_meta(column)
    description = f"{column.description} Landed as text; contract type `{column.type}`" + (
        ", required." if column.required else "."
    )
    name = column.name
    if column.name in mapping.defaults:
        default = mapping.defaults[column.name]
        meta.update(defaulted=True, default=None if default is None else escape_jinja(default))
        description += " Not in the export: defaulted by the source mapping."
    elif mapping.export_column(column.name) != column.name:
        name = mapping.export_column(column.name)
        meta["contract_name"] = column.name
        description += f" Exported as `{name}`."
    if column.name in mapping.values:
        meta["values"] = {escape_jinja(k): escape_jinja(v) for k, v in mapping.values[column.name].items()}
    if column.type in ("timestamp", "date"):
        formats = source.formats_for(mapping.entity.name, column.name)
        if formats != (ISO8601,):
            meta["formats"] = [escape_jinja(f) for f in formats]
        if source.date_order is None and (pairs := ambiguous_pairs(formats)):
            meta["ambiguous_formats"] = [[escape_jinja(f) for f in pair] for pair in pairs]
    return {"name": name, "description": description, "config": {"meta": meta}}


def _table(entity: Entity, source: SourceMapping) -> dict[str, Any]:
    mapping = source.entities[entity.name]
    meta: dict[str, Any] = {"key": list(entity.key), "layout": entity.layout}
    if entity.partitioned_by:
        meta["partitioned_by"] = entity.partitioned_by
    if entity.consistency_rules:
        meta["consistency_rules"] = [_rule_meta(r) for r in entity.consistency_rules]
    if source.timezone != "UTC":
        meta["timezone"] = source.timezone
    columns = [_mapped_column(c, mapping, source) for c in entity.columns]
    columns += [{"name": name, "description": text} for name, text in LINEAGE_COLUMNS]
    return {
        "name": entity.name,
        "description": entity.description
        + f" Landed from `{entity.source}/{mapping.files}`"
        + (" (one file per month)." if entity.layout == "monthly" else " (full snapshot per export)."),
        "config": {"meta": meta},
        "columns": columns,
    }


def render(mappings: dict[str, SourceMapping] | None = None) -> dict[Path, str]:
    """Each source system's sources file (see `sources_file`) and its text."""
    mappings = load_mappings(Settings.from_env().mapping_dir) if mappings is None else mappings
    header = (
        "# Generated from orchestration/contracts.py and the source mappings (MAPPING_DIR) by\n"
        "# `python -m orchestration.render_sources`. Edit those, not this file.\n"
    )
    rendered = {}
    for source in SOURCES:
        declared = {
            "name": source,
            "description": SOURCE_DESCRIPTIONS[source],
            "schema": "raw",
            "loaded_at_field": "_loaded_at",
            "freshness": {
                "warn_after": {"count": 12, "period": "hour"},
                "error_after": {"count": 24, "period": "hour"},
            },
            "tables": [_table(e, mappings[source]) for e in ENTITIES if e.source == source],
        }
        body = yaml.safe_dump({"version": 2, "sources": [declared]}, sort_keys=False, width=100, allow_unicode=True)
        rendered[sources_file(source)] = header + body
    return rendered


# The base models' dbt unit tests state what the shipped mappings render: their rows name the
# export's columns as mappings/ does, and read its timestamps in its time zone. A build on other
# mappings (a user's MAPPING_DIR, `onboard check`) leaves them out with `--exclude` this selector;
# tests/test_render_staging.py runs models rendered for other mappings.
BASE_MODEL_UNIT_TESTS = "test_type:unit,path:models/staging/*/base"


def renders_as_shipped(mappings: dict[str, SourceMapping]) -> bool:
    """Whether `mappings` render the same base models as the shipped ones (mappings/)."""
    return render_base_models(mappings) == render_base_models(load_mappings(PROJECT_DIR / "mappings"))


def render_project(mappings: dict[str, SourceMapping]) -> dict[Path, str]:
    """Every rendered file (the sources files, the base models and each source's row-accounting
    model): its path relative to the project dir, and its text."""
    return {**render(mappings), **render_base_models(mappings), **render_row_accounting_models()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.render_sources", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when a rendered file is out of date")
    parser.add_argument("--mappings", type=Path, default=Settings.from_env().mapping_dir, help="MAPPING_DIR")
    parser.add_argument(
        "--project-dir", type=Path, default=PROJECT_DIR, help="the dbt project to write into (another copy)"
    )
    args = parser.parse_args(argv)
    try:
        rendered = render_project(load_mappings(args.mappings))
    except MappingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.check:
        stale = stale_files(args.project_dir, rendered)
        for path in stale:
            print(f"{args.project_dir / path} is out of date: run python -m orchestration.render_sources")
        return 1 if stale else 0
    written = write_files(args.project_dir, rendered)
    for path in written:
        print(f"wrote {args.project_dir / path}")
    if not written:
        print(f"{len(rendered)} files in {args.project_dir} already up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
