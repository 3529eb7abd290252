"""Find landing files and tell which contract entity each one belongs to.

Only regular files inside the landing dir are data. A symbolic link (to a file or a folder) or any
other kind of entry where a file is expected is listed with the reason it is refused, so the
ledger names it, and is never followed: a link could point anywhere on the machine.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from orchestration.contracts import ENTITIES_BY_NAME, Entity


@dataclass(frozen=True)
class LandingFile:
    path: Path
    relative_path: str  # to the landing dir, forward slashes: the id raw rows and the ledger use
    entity: Entity | None  # None when the folder names no contract entity
    folder_entity: str
    refusal: str | None = None  # why the entry is not read at all (a link, not a regular file)


def _is_data(name: str) -> bool:
    """`_`- and `.`-prefixed entries are the generator's manifest and editors' files, not data."""
    return not name.startswith(("_", "."))


def _not_followed(entry: os.DirEntry[str]) -> str | None:
    if entry.is_symlink():
        return "is a symbolic link: only regular files inside the landing dir are read, links are not followed"
    if not entry.is_dir(follow_symlinks=False) and not stat.S_ISREG(entry.stat(follow_symlinks=False).st_mode):
        return "is not a regular file"
    return None


def _entries(directory: str) -> list[os.DirEntry[str]]:
    with os.scandir(directory) as entries:
        return sorted((e for e in entries if _is_data(e.name)), key=lambda e: e.name)


def discover(landing_dir: Path) -> list[LandingFile]:
    """Every `<source>/<entity>/*.csv` under the landing dir, sorted by path."""
    if not landing_dir.is_dir():
        raise FileNotFoundError(
            f"landing directory {landing_dir} does not exist: generate data first "
            "(python -m orchestration.datagen) or set LANDING_DIR"
        )
    files: list[LandingFile] = []

    def refused(entry: os.DirEntry[str], folder_entity: str, reason: str) -> LandingFile:
        relative = Path(entry.path).relative_to(landing_dir).as_posix()
        return LandingFile(Path(entry.path), relative, None, folder_entity, refusal=reason)

    for source_entry in _entries(str(landing_dir)):
        if (reason := _not_followed(source_entry)) is not None:
            files.append(refused(source_entry, "", reason))
            continue
        if not source_entry.is_dir(follow_symlinks=False):
            continue
        for entity_entry in _entries(source_entry.path):
            if (reason := _not_followed(entity_entry)) is not None:
                files.append(refused(entity_entry, entity_entry.name, reason))
                continue
            if not entity_entry.is_dir(follow_symlinks=False):
                continue
            entity = ENTITIES_BY_NAME.get(entity_entry.name)
            if entity is not None and entity.source != source_entry.name:
                entity = None
            for file_entry in _entries(entity_entry.path):
                if not file_entry.name.endswith(".csv"):
                    continue
                if (reason := _not_followed(file_entry)) is not None:
                    files.append(refused(file_entry, entity_entry.name, reason))
                    continue
                if file_entry.is_dir(follow_symlinks=False):
                    continue
                relative = Path(file_entry.path).relative_to(landing_dir).as_posix()
                files.append(LandingFile(Path(file_entry.path), relative, entity, entity_entry.name))
    return sorted(files, key=lambda f: f.relative_path)
