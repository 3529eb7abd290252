"""Find landing files and tell which contract entity each one belongs to.

Files live under `<LANDING_DIR>/<source>/`; the source's mapping (orchestration.mapping) says
which entity a file holds by the `files` pattern it matches (one to one by default:
`<entity>/*.csv`). Only regular files inside the landing dir are data. A symbolic link (to a file
or a folder) or any other kind of entry is listed with the reason it is refused, so the ledger
names it, and is never followed: a link could point anywhere on the machine.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from orchestration.contracts import Entity
from orchestration.mapping import EntityMapping, SourceMapping, load_mappings


@dataclass(frozen=True)
class LandingFile:
    path: Path
    relative_path: str  # to the landing dir, forward slashes: the id raw rows and the ledger use
    mapping: EntityMapping | None  # None when no entity of a source mapping claims the file
    folder_entity: str  # what the file's folder says, for messages when there is no mapping
    refusal: str | None = None  # why the entry is not read at all (a link, not a regular file, ...)

    @property
    def entity(self) -> Entity | None:
        return self.mapping.entity if self.mapping else None


def _is_data(name: str) -> bool:
    """`_`- and `.`-prefixed entries are the generator's manifest and editors' files, not data."""
    return not name.startswith(("_", "."))


def _not_followed(entry: os.DirEntry[str]) -> str | None:
    if entry.is_symlink():
        return "is a symbolic link: only regular files inside the landing dir are read, links are not followed"
    if not entry.is_dir(follow_symlinks=False) and not stat.S_ISREG(entry.stat(follow_symlinks=False).st_mode):
        return "is not a regular file"
    return None


def matches(relative: str, pattern: str) -> bool:
    """`pattern` matches `relative` segment by segment, so `*` never crosses a folder."""
    path_parts, pattern_parts = PurePosixPath(relative).parts, PurePosixPath(pattern).parts
    return len(path_parts) == len(pattern_parts) and all(
        fnmatch.fnmatchcase(part, glob) for part, glob in zip(path_parts, pattern_parts, strict=True)
    )


def claim(relative_to_source: str, mapping: SourceMapping | None) -> tuple[EntityMapping | None, str | None]:
    """(the entity mapping whose pattern the file matches, or why none can have it)."""
    if mapping is None:
        return None, None
    claimed = [m for m in mapping.entities.values() if matches(relative_to_source, m.files)]
    if len(claimed) > 1:
        names = " and ".join(f"{m.entity.name} ({m.files})" for m in claimed)
        return None, f"matches the file patterns of {names} in the {mapping.source} mapping: make them exclusive"
    return (claimed[0], None) if claimed else (None, None)


def _walk(directory: str) -> list[tuple[os.DirEntry[str], str | None]]:
    """Every data entry under `directory` that is a .csv file or is refused, never following links."""
    found: list[tuple[os.DirEntry[str], str | None]] = []
    with os.scandir(directory) as entries:
        for entry in sorted((e for e in entries if _is_data(e.name)), key=lambda e: e.name):
            reason = _not_followed(entry)
            if reason is not None:
                found.append((entry, reason))
            elif entry.is_dir(follow_symlinks=False):
                found.extend(_walk(entry.path))
            elif entry.name.endswith(".csv"):
                found.append((entry, None))
    return found


def discover(landing_dir: Path, mappings: Mapping[str, SourceMapping] | None = None) -> list[LandingFile]:
    """Every `.csv` file under `<LANDING_DIR>/<source>/`, with the entity its mapping gives it,
    sorted by path. `mappings` defaults to the one-to-one mapping of every source."""
    if not landing_dir.is_dir():
        raise FileNotFoundError(
            f"landing directory {landing_dir} does not exist: generate data first "
            "(python -m orchestration.datagen) or set LANDING_DIR"
        )
    mappings = load_mappings(None) if mappings is None else mappings
    files: list[LandingFile] = []
    for entry, reason in _walk(str(landing_dir)):
        relative = PurePosixPath(Path(entry.path).relative_to(landing_dir).as_posix())
        source, inside = relative.parts[0], PurePosixPath(*relative.parts[1:]) if len(relative.parts) > 1 else None
        folder = relative.parts[-2] if len(relative.parts) > 1 else ""
        entity_mapping = None
        if reason is None:
            source_mapping = mappings.get(source)
            if inside is not None:
                entity_mapping, reason = claim(inside.as_posix(), source_mapping)
            if entity_mapping is None and reason is None:
                reason = unclaimed(source, inside, source_mapping, mappings)
        files.append(LandingFile(Path(entry.path), relative.as_posix(), entity_mapping, folder, refusal=reason))
    return sorted(files, key=lambda f: f.relative_path)


def unclaimed(
    source: str, inside: PurePosixPath | None, mapping: SourceMapping | None, mappings: Mapping[str, SourceMapping]
) -> str:
    if mapping is None:
        return (
            f"no contract entity for this file: '{source}' is not a source system "
            f"(files go under <source>/ of: {', '.join(mappings)})"
        )
    patterns = ", ".join(m.files for m in mapping.entities.values())
    where = mapping.path.name if mapping.path else f"a {source}.yml mapping"
    return (
        f"no contract entity for this file: no file pattern of the {source} mapping matches "
        f"'{inside}' (patterns: {patterns}; set `files` in {where})"
    )
