"""The landing contract is consistent, and dbt's sources.yml and base models are rendered from it."""

from __future__ import annotations

from orchestration import render_sources
from orchestration.contracts import ENTITIES, ENTITIES_BY_NAME
from orchestration.mapping import load_mappings
from orchestration.render_staging import base_model_path, stale_files
from orchestration.settings import PROJECT_DIR


def test_sources_yml_and_base_models_are_rendered_from_the_contract() -> None:
    """The sources files and every models/staging/*/base/base_*.sql are what the contract and the shipped
    mappings render (no base model stale, missing or left over)."""
    rendered = render_sources.render_project(load_mappings(PROJECT_DIR / "mappings"))
    assert {base_model_path(e) for e in ENTITIES} <= set(rendered)
    assert stale_files(PROJECT_DIR, rendered) == [], "run: python -m orchestration.render_sources"
    mappings = ["--mappings", str(PROJECT_DIR / "mappings")]
    assert render_sources.main(["--check", *mappings]) == 0, "run: python -m orchestration.render_sources"


def test_keys_partitions_and_references_name_real_columns() -> None:
    for entity in ENTITIES:
        names = entity.column_names
        assert len(set(names)) == len(names), entity.name
        assert set(entity.key) <= set(names), entity.name
        assert all(entity.column(k).required for k in entity.key), entity.name
        if entity.layout == "monthly":
            assert entity.partitioned_by in names, entity.name
        for column in entity.columns:
            if column.references:
                parent, parent_column = column.references.split(".")
                assert parent_column in ENTITIES_BY_NAME[parent].key, (entity.name, column.name)
