"""Render `models/staging/_sources.yml` from the landing contract.

The contract (`orchestration.contracts`) is the one place entity columns and rules are written;
dbt reads them from this file's `meta`. `tests/test_contracts.py` fails when the committed file
is out of date. Run `python -m orchestration.render_sources` after changing the contract.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from orchestration.contracts import ENTITIES, SOURCES, Anchor, Column, ConsistencyRule, Entity, ExistsIn

SOURCES_YML = Path(__file__).resolve().parent.parent / "models" / "staging" / "_sources.yml"

SOURCE_DESCRIPTIONS = {
    "marketplace": "Marketplace database exports: catalog, students, orders, payments, refunds, reviews, FX rates.",
    "billing": "Subscription billing system: all-access plans and subscription lifecycle events.",
    "learning": "Learning platform: lessons, enrollments with progress, activity events, certificates, surveys.",
    "web_analytics": "Web-analytics tool export of website sessions.",
    "marketing": "Influencer-marketing platform: influencers, campaigns, tracking links, daily metrics.",
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


def _table(entity: Entity) -> dict[str, Any]:
    meta: dict[str, Any] = {"key": list(entity.key), "layout": entity.layout}
    if entity.partitioned_by:
        meta["partitioned_by"] = entity.partitioned_by
    if entity.consistency_rules:
        meta["consistency_rules"] = [_rule_meta(r) for r in entity.consistency_rules]
    columns = [
        {
            "name": c.name,
            "description": f"{c.description} Landed as text; contract type `{c.type}`"
            + (", required." if c.required else "."),
            "config": {"meta": _column_meta(c)},
        }
        for c in entity.columns
    ]
    columns += [{"name": name, "description": text} for name, text in LINEAGE_COLUMNS]
    return {
        "name": entity.name,
        "description": entity.description
        + f" Landed from `{entity.source}/{entity.name}/*.csv`"
        + (" (one file per month)." if entity.layout == "monthly" else " (full snapshot per export)."),
        "config": {"meta": meta},
        "columns": columns,
    }


def render() -> str:
    sources = []
    for source in SOURCES:
        sources.append(
            {
                "name": source,
                "description": SOURCE_DESCRIPTIONS[source],
                "schema": "raw",
                "loaded_at_field": "_loaded_at",
                "freshness": {
                    "warn_after": {"count": 12, "period": "hour"},
                    "error_after": {"count": 24, "period": "hour"},
                },
                "tables": [_table(e) for e in ENTITIES if e.source == source],
            }
        )
    header = (
        "# Generated from orchestration/contracts.py by `python -m orchestration.render_sources`.\n"
        "# Edit the contract, not this file.\n"
    )
    body = yaml.safe_dump(
        {"version": 2, "sources": sources}, sort_keys=False, width=100, allow_unicode=True
    )
    return header + body


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if args == ["--check"]:
        if not SOURCES_YML.exists() or SOURCES_YML.read_text() != text:
            print(f"{SOURCES_YML} is out of date: run python -m orchestration.render_sources")
            return 1
        return 0
    SOURCES_YML.write_text(text)
    print(f"wrote {SOURCES_YML}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
