"""A scratch copy of the dbt project whose sources follow another set of source mappings.

The sources files (`models/staging/<source>/_<source>__sources.yml`) and the base models are
rendered from the project's mappings and committed; a dry run of a user's mapping
(`orchestration.onboard check`) or a test of one must not rewrite them, because a dbt run in
another process may be reading them. The copy holds just what dbt reads.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

from orchestration.mapping import SourceMapping
from orchestration.render_sources import render_project
from orchestration.render_staging import write_files
from orchestration.settings import PROJECT_DIR

PROJECT_FILES = ("dbt_project.yml", "profiles.yml")
PROJECT_FOLDERS = ("models", "macros", "seeds", "snapshots", "tests/dbt")


def copy_project(root: Path) -> Path:
    """Copy what dbt reads of the project into `root` (which must exist and be empty)."""
    for name in PROJECT_FILES:
        shutil.copy2(PROJECT_DIR / name, root / name)
    for folder in PROJECT_FOLDERS:
        shutil.copytree(PROJECT_DIR / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def scratch_project(root: Path, mappings: Mapping[str, SourceMapping]) -> Path:
    """Copy the dbt project into `root` (which must not exist) with its sources and base models
    rendered for `mappings`; returns the copy's project dir."""
    root.mkdir(parents=True)
    copy_project(root)
    write_files(root, render_project(dict(mappings)))
    return root
