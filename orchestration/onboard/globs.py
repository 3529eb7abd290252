"""The `files` pattern of an entity: a glob that claims its files and no other. Pure functions.

A mapping's glob may use only letters, digits, `_ . - space /` and the wildcards (mapping.py's
SAFE_GLOB), so any other character of a file name (`'`, `(`, accents) becomes `?`. Digits become
`*`, so next month's `payments_2023-02.csv` is claimed like this month's.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from orchestration.landing.discovery import matches
from orchestration.mapping import SAFE_GLOB

_UNSAFE_CHAR = re.compile(r"[^A-Za-z0-9_.\- /]")


def landing_name(relative_path: str) -> str:
    """The name landing needs: `.csv` in lower case (it reads nothing else; profile says rename)."""
    return re.sub(r"\.csv$", ".csv", relative_path, flags=re.IGNORECASE)


def safe_literal(relative_path: str) -> str:
    """The path as a glob matching itself: characters a glob may not hold become `?`."""
    return _UNSAFE_CHAR.sub("?", landing_name(relative_path))


def generalized(relative_path: str) -> str:
    """Digit runs become `*`, and so do runs of wildcards and separators between them:
    `2023/payments_2023-01.csv` -> `*/payments_*.csv`."""
    parts = []
    for part in PurePosixPath(safe_literal(relative_path)).parts:
        stem, dot, suffix = part.rpartition(".") if part.endswith(".csv") else (part, "", "")
        stem = re.sub(r"[0-9]+", "*", stem)
        stem = re.sub(r"\*(?:[-_. ]*\*)+", "*", stem)
        parts.append(stem + dot + suffix)
    return "/".join(parts)


def _common_affixes(paths: list[str]) -> str | None:
    """`<common prefix>*<common suffix>` of one-segment names, when it keeps the `.csv`."""
    if any("/" in p for p in paths):
        return None
    prefix = os.path.commonprefix(paths)
    suffix = os.path.commonprefix([p[::-1] for p in paths])[::-1]
    if not suffix.endswith(".csv"):
        return None
    suffix = suffix[max(0, len(prefix) + len(suffix) - min(len(p) for p in paths)) :]
    return prefix + "*" + suffix if suffix.endswith(".csv") else None


@dataclass(frozen=True)
class GlobProposal:
    glob: str
    unclaimed: tuple[str, ...]  # files of the entity the glob does not claim (review)


def propose_glob(own: list[str], others: list[str]) -> GlobProposal:
    """A glob claiming every path in `own` (relative to the source's folder) and none in
    `others`; if none does, the one claiming the most, naming the files it leaves out."""
    own, others = [landing_name(p) for p in own], [landing_name(p) for p in others]
    safe_own = [safe_literal(p) for p in own]
    candidates = list(dict.fromkeys(generalized(p) for p in own))
    if len(own) == 1:
        candidates.append(safe_own[0])
    if (affixes := _common_affixes(safe_own)) is not None:
        candidates.append(affixes)
    candidates = [c for c in candidates if SAFE_GLOB.fullmatch(c) and c.endswith(".csv")]
    best: GlobProposal | None = None
    for glob in candidates:
        if any(matches(p, glob) for p in others):
            continue
        unclaimed = tuple(p for p in own if not matches(p, glob))
        if best is None or len(unclaimed) < len(best.unclaimed):
            best = GlobProposal(glob, unclaimed)
    if best is None:  # every pattern also claims another entity's file: name the first file alone
        best = GlobProposal(safe_own[0], tuple(own[1:]))
    return best
