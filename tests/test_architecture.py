"""The layer rules of docs/architecture.md, read from dbt's manifest: a model refs only its own layer
or the one below, and only staging reads sources (one exception, written down here)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from orchestration.contracts import ENTITIES

# bottom to top: a model may ref its own layer and the one just below it
LAYERS = ("staging", "intermediate", "marts", "scorecard")
# folders of models/ that are not a layer, and the one layer each may read
READERS = {"semantic": "marts"}
# snapshots keep history of an intermediate model, and intermediate models read them
SNAPSHOT_LAYER = "intermediate"
# the only model outside staging that reads a source, and why
SOURCE_READERS_OUTSIDE_STAGING = {
    ("scorecard_data_quality", "audit.dq_scores"): "the GX validation's scores, written after the build, not landed",
}

Manifest = Mapping[str, Any]


def layer_of(node: Mapping[str, Any]) -> str:
    if node["resource_type"] == "snapshot":
        return SNAPSHOT_LAYER
    if node["resource_type"] == "seed":
        return "seed"
    return PurePosixPath(node["original_file_path"]).parts[1]


def allowed_layers(layer: str) -> set[str]:
    if layer in READERS:
        return {READERS[layer]}
    index = LAYERS.index(layer)
    return {layer} | ({LAYERS[index - 1]} if index else set())


def ref_violations(manifest: Manifest) -> list[str]:
    """'<model> (<layer>) refs <model> (<layer>)' for every ref that skips a layer or goes up.
    Seeds are reference data any layer may read."""
    nodes = manifest["nodes"]
    found = []
    for node in nodes.values():
        if node["resource_type"] not in ("model", "snapshot"):
            continue
        layer = layer_of(node)
        for parent_id in node["depends_on"]["nodes"]:
            parent = nodes.get(parent_id)
            if parent is None or parent["resource_type"] == "seed":
                continue
            parent_layer = layer_of(parent)
            if parent_layer not in allowed_layers(layer):
                found.append(f"{node['name']} ({layer}) refs {parent['name']} ({parent_layer})")
    return sorted(found)


def source_readers_outside_staging(manifest: Manifest) -> set[tuple[str, str]]:
    sources = manifest["sources"]
    found = set()
    for node in manifest["nodes"].values():
        if node["resource_type"] not in ("model", "snapshot") or layer_of(node) == "staging":
            continue
        for parent_id in node["depends_on"]["nodes"]:
            if parent_id in sources:
                source = sources[parent_id]
                found.add((node["name"], f"{source['source_name']}.{source['name']}"))
    return found


def test_every_model_folder_is_a_known_layer(dbt_manifest: Manifest) -> None:
    folders = {layer_of(n) for n in dbt_manifest["nodes"].values() if n["resource_type"] == "model"}
    assert folders <= set(LAYERS) | set(READERS), folders - set(LAYERS) - set(READERS)


def test_every_model_refs_only_its_own_layer_or_the_one_below(dbt_manifest: Manifest) -> None:
    assert ref_violations(dbt_manifest) == []


def test_only_staging_reads_sources_apart_from_the_written_down_exception(dbt_manifest: Manifest) -> None:
    assert source_readers_outside_staging(dbt_manifest) == set(SOURCE_READERS_OUTSIDE_STAGING)


def _node(name: str, path: str, parents: list[str], resource_type: str = "model") -> dict[str, Any]:
    return {
        "name": name,
        "resource_type": resource_type,
        "original_file_path": path,
        "depends_on": {"nodes": [f"model.p.{p}" for p in parents]},
    }


def test_the_ref_rule_names_a_skipped_layer_and_an_upward_ref() -> None:
    nodes = {
        "model.p.stg_a": _node("stg_a", "models/staging/stg_a.sql", []),
        "model.p.int_a": _node("int_a", "models/intermediate/int_a.sql", ["stg_a"]),
        "model.p.dim_a": _node("dim_a", "models/marts/dim_a.sql", ["int_a"]),
        "model.p.fct_b": _node("fct_b", "models/marts/fct_b.sql", ["stg_a", "dim_a"]),
        "model.p.int_c": _node("int_c", "models/intermediate/int_c.sql", ["dim_a"]),
        "model.p.kpi": _node("kpi", "models/scorecard/kpi.sql", ["fct_b", "kpi"]),
    }
    assert ref_violations({"nodes": nodes, "sources": {}}) == [
        "fct_b (marts) refs stg_a (staging)",
        "int_c (intermediate) refs dim_a (marts)",
    ]


KEY_TESTS = ("unique", "unique_combination_of_columns", "has_one_row")


def models_without_a_key_test(manifest: Manifest) -> list[str]:
    """Models (ephemeral ones too: dbt tests them through the inlined CTE) with no test of their
    grain: unique on a column, unique_combination_of_columns, or has_one_row for a one-row summary.
    A view may instead name, in `meta.grain_tested_in`, the model that reads it row for row and
    holds the key test (a test of the view would compute it once more): accepted only when that
    model reads the view and is keyed itself."""
    nodes = manifest["nodes"]
    keyed = {
        node.get("attached_node") or node["depends_on"]["nodes"][0]
        for node in nodes.values()
        if node["resource_type"] == "test" and (node.get("test_metadata") or {}).get("name") in KEY_TESTS
    }

    def grain_held_downstream(uid: str) -> bool:
        config = nodes[uid].get("config") or {}
        holder = (config.get("meta") or {}).get("grain_tested_in")
        holder_uid = f"model.{nodes[uid]['package_name']}.{holder}"
        return (
            holder is not None
            and config.get("materialized") == "view"
            and holder_uid in keyed
            and uid in nodes[holder_uid]["depends_on"]["nodes"]
        )

    return sorted(
        node["original_file_path"]
        for uid, node in nodes.items()
        if node["resource_type"] == "model" and uid not in keyed and not grain_held_downstream(uid)
    )


def test_a_view_s_grain_counts_as_tested_only_in_a_keyed_model_that_reads_it() -> None:
    def model(name: str, parents: list[str], materialized: str = "table", **meta: str) -> dict[str, Any]:
        node = _node(name, f"models/{name}.sql", parents)
        return node | {"package_name": "p", "config": {"materialized": materialized, "meta": meta}}

    nodes = {
        "model.p.v_held": model("v_held", [], "view", grain_tested_in="fct"),
        "model.p.v_not_read": model("v_not_read", [], "view", grain_tested_in="fct"),
        "model.p.v_unkeyed_holder": model("v_unkeyed_holder", [], "view", grain_tested_in="fct_unkeyed"),
        "model.p.t_held": model("t_held", [], "table", grain_tested_in="fct"),
        "model.p.fct": model("fct", ["v_held", "t_held"]),
        "model.p.fct_unkeyed": model("fct_unkeyed", ["v_unkeyed_holder"]),
        "test.p.unique_fct": _node("unique_fct", "models/x.yml", ["fct"], "test")
        | {"test_metadata": {"name": "unique"}, "attached_node": "model.p.fct"},
    }
    assert models_without_a_key_test({"nodes": nodes, "sources": {}}) == [
        "models/fct_unkeyed.sql",
        "models/t_held.sql",
        "models/v_not_read.sql",
        "models/v_unkeyed_holder.sql",
    ]


def test_every_model_has_a_primary_key_test(dbt_manifest: Manifest) -> None:
    assert models_without_a_key_test(dbt_manifest) == []


ROW_COUNT_TESTS = ("row_count_matches_source", "row_count_matches_base")


def row_count_tests(manifest: Manifest) -> set[tuple[str, ...]]:
    """(model, test, what it counts against) of every row_count_matches_* test: the source table,
    or the base model's staged or quarantined rows."""
    nodes, found = manifest["nodes"], set()
    for node in nodes.values():
        metadata = node.get("test_metadata") or {}
        if node["resource_type"] != "test" or metadata.get("name") not in ROW_COUNT_TESTS:
            continue
        model, kwargs = nodes[node["attached_node"]]["name"], metadata["kwargs"]
        if metadata["name"] == "row_count_matches_source":
            found.add((model, metadata["name"], f"{kwargs['source_name']}.{kwargs['table_name']}"))
        else:
            bases = [nodes[p]["name"] for p in node["depends_on"]["nodes"] if nodes[p]["name"].startswith("base_")]
            found.add((model, metadata["name"], *bases, kwargs["rows"]))
    return found


def test_every_entity_s_models_are_held_to_the_row_accounting(dbt_manifest: Manifest) -> None:
    """int_row_accounting counts the base models only; these tests keep what counting the stg and
    quarantine relations themselves gave: a base model holds every raw row, a stg or quarantine
    model exactly the base rows its filter keeps (none dropped, none repeated)."""
    expected = set()
    for e in ENTITIES:
        base = f"base_{e.source}__{e.name}"
        expected |= {
            (base, "row_count_matches_source", f"{e.source}.{e.name}"),
            (f"stg_{e.source}__{e.name}", "row_count_matches_base", base, "staged"),
            (f"quarantine_{e.source}__{e.name}", "row_count_matches_base", base, "quarantined"),
        }
    assert row_count_tests(dbt_manifest) == expected
