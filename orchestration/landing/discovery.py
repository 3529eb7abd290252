"""Find landing files and tell which contract entity each one belongs to."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from orchestration.contracts import ENTITIES_BY_NAME, Entity


@dataclass(frozen=True)
class LandingFile:
    path: Path
    relative_path: str  # to the landing dir, forward slashes: the id raw rows and the ledger use
    entity: Entity | None  # None when the folder names no contract entity
    folder_entity: str


def discover(landing_dir: Path) -> list[LandingFile]:
    """Every `<source>/<entity>/*.csv` under the landing dir, sorted; `_`-prefixed folders are not data."""
    if not landing_dir.is_dir():
        raise FileNotFoundError(
            f"landing directory {landing_dir} does not exist: generate data first "
            "(python -m orchestration.datagen) or set LANDING_DIR"
        )
    files = []
    for path in sorted(landing_dir.glob("*/*/*.csv")):
        relative = path.relative_to(landing_dir)
        if any(part.startswith(("_", ".")) for part in relative.parts):
            continue
        source, folder_entity = relative.parts[0], relative.parts[1]
        entity = ENTITIES_BY_NAME.get(folder_entity)
        if entity is not None and entity.source != source:
            entity = None
        files.append(LandingFile(path, relative.as_posix(), entity, folder_entity))
    return files


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
