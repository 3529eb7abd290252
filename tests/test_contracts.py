"""The landing contract is consistent, and dbt's sources.yml is rendered from it."""

from __future__ import annotations

from orchestration import render_sources
from orchestration.contracts import ENTITIES, ENTITIES_BY_NAME


def test_sources_yml_is_rendered_from_the_contract() -> None:
    assert render_sources.main(["--check"]) == 0, "run: python -m orchestration.render_sources"


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
