"""Which contract entity a file is and which export column is which contract column, by name.

Names are compared in a normal form: camelCase and `_`/space/punctuation split into lower-case
words, each word reduced to a crude stem (`enrollment` and `enrolled` meet at `enrol`) and a few
word synonyms folded (`date`, `time`, `timestamp` all read as the contract's `at`). On top, an
export often leaves out the entity (`ID` in a payments file is `payment_id`) or adds it
(`payment_status` is `status`), and a short list of aliases covers names no rule derives
(`payment_date` is `attempted_at`). Pure functions: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from orchestration.contracts import Entity

# Word synonyms, applied before stemming: the contract writes times as `<verb>_at` and ids as `_id`.
WORD_SYNONYMS = {
    "date": "at",
    "time": "at",
    "datetime": "at",
    "timestamp": "at",
    "ts": "at",
    "dt": "at",
    "on": "at",
    "identifier": "id",
    "no": "number",
    "num": "number",
    "nbr": "number",
    "pct": "percent",
    "percentage": "percent",
    "enrolment": "enrollment",
    "line": "item",  # order lines are the contract's order items
    "lines": "items",
}
# Export names for contract columns that no rule above derives (written as normal-form input:
# any spelling of these works, `PaymentDate` as well as `payment_date`).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "country_code": ("country", "country_iso", "nation"),
    "instructor_name": ("name", "full_name", "display_name"),
    "title": ("name", "course_name", "course_title"),
    "list_price": ("price",),
    "order_total": ("total", "amount", "order_amount", "total_amount"),
    "amount": ("payment_amount", "amount_paid", "refund_amount", "value"),
    "method": ("payment_method", "payment_type", "payment_mode"),
    "attempted_at": ("payment_date", "paid_at", "transaction_date", "payment_time"),
    "signup_at": ("registration_date", "registered_at", "joined_at", "join_date", "created_at"),
    "joined_at": ("registration_date", "registered_at", "signup_date", "created_at"),
    "progress_pct": ("progress", "progress_percent", "completion_percent", "completion_rate"),
    "level": ("difficulty", "difficulty_level", "course_level"),
    "language": ("lang",),
    "rating": ("stars", "star_rating", "score"),
    "access_type": ("access", "access_mode"),
    "acquisition_channel": ("channel", "signup_channel", "marketing_channel"),
    "usd_per_unit": ("rate", "usd_rate", "rate_to_usd"),
}
SUFFIXES = ("ation", "ment", "ing", "ion", "ed", "es", "e", "s")
MIN_STEM = 3

# How sure a match is; MATCHED and above count as "matched by name".
EXACT = 1.0  # same name once case and separators are ignored
NORMAL = 0.9  # same normal form (stems, word synonyms)
ALIAS = 0.85  # a known alias
ENTITY_AFFIX = 0.8  # same once the entity's name is added or removed (`ID` -> `payment_id`)
ALIAS_AFFIX = 0.75
MATCHED = 0.75
BY_VALUES = 0.5  # no name matched; the values fit (the one date column left): review
AFFIX_WEIGHT = 0.5  # what a match that needed the entity's name weighs in an entity's score
FILE_NAME_WEIGHT = 1.0  # what the file's name naming the entity weighs (a full header weighs 2)


def words(name: str) -> list[str]:
    """`PaymentID` -> [payment, id]; `signup_at`, `Signup At`, `signupAt` -> [signup, at]."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w]


def snake(name: str) -> str:
    return "_".join(words(name))


def stem(word: str) -> str:
    """A crude stem, the same for the forms a name takes: only ever compared to other stems."""
    word = WORD_SYNONYMS.get(word, word)
    changed = True
    while changed:
        changed = False
        for suffix in SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
                word = word[: -len(suffix)]
                changed = True
                break
    if len(word) > MIN_STEM and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]  # enroll/enrol
    return word


def normal(name: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in words(name))


def entity_words(entity: Entity) -> tuple[str, ...]:
    return normal(entity.name)


def _affixed(export: tuple[str, ...], entity: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The export name with the entity's name (or its last word) added in front or taken away."""
    forms = []
    for prefix in {entity, entity[-1:]}:
        forms.append(prefix + export)
        if export[: len(prefix)] == prefix and len(export) > len(prefix):
            forms.append(export[len(prefix) :])
    return forms


def match_score(export_name: str, contract_name: str, entity: Entity) -> float:
    """How sure it is that `export_name` is the contract's `contract_name` (0 when not at all)."""
    if snake(export_name) == snake(contract_name):
        return EXACT
    export, contract = normal(export_name), normal(contract_name)
    aliases = {normal(a) for a in COLUMN_ALIASES.get(contract_name, ())}
    if export == contract or (contract[-1:] == ("at",) and export == contract[:-1]):
        return NORMAL  # also `Joined` for `joined_at`: the contract's `_at` only says "a time"
    if export in aliases:
        return ALIAS
    affixed = _affixed(export, entity_words(entity))
    if contract in affixed:
        return ENTITY_AFFIX
    if aliases.intersection(affixed):
        return ALIAS_AFFIX
    return 0.0


@dataclass(frozen=True)
class ColumnMatch:
    contract: str
    export: str
    score: float

    @property
    def how(self) -> str:
        return {
            EXACT: "same name",
            NORMAL: "same name, other spelling",
            ALIAS: "known alias",
            ENTITY_AFFIX: "same name without/with the entity",
            ALIAS_AFFIX: "known alias without/with the entity",
            BY_VALUES: "by its values (review)",
        }.get(self.score, "")


@dataclass(frozen=True)
class EntityGuess:
    entity: Entity
    matches: tuple[ColumnMatch, ...]
    score: float
    named_by_file: bool  # the file's name or folder names the entity
    unmatched_export: tuple[str, ...] = field(default=())
    unmatched_contract: tuple[str, ...] = field(default=())

    @property
    def export_of(self) -> dict[str, str]:
        return {m.contract: m.export for m in self.matches}


def match_columns(header: tuple[str, ...], entity: Entity) -> tuple[ColumnMatch, ...]:
    """Each contract column to at most one export column, surest pairs first."""
    candidates = [
        ColumnMatch(contract, export, score)
        for contract in entity.column_names
        for export in header
        if (score := match_score(export, contract, entity)) >= MATCHED
    ]
    # surest first; among equals the contract's column order, then the header's
    order = {name: i for i, name in enumerate(entity.column_names)}
    position = {name: i for i, name in enumerate(header)}
    candidates.sort(key=lambda m: (-m.score, order[m.contract], position[m.export]))
    taken_contract: set[str] = set()
    taken_export: set[str] = set()
    chosen = []
    for match in candidates:
        if match.contract in taken_contract or match.export in taken_export:
            continue
        chosen.append(match)
        taken_contract.add(match.contract)
        taken_export.add(match.export)
    chosen.sort(key=lambda m: order[m.contract])
    return tuple(chosen)


def named_by_path(relative_path: str, entity: Entity) -> bool:
    """The file's name or one of its folders names the entity (`Payments_2023.csv`, `payments/`)."""
    wanted = entity_words(entity)
    for part in PurePosixPath(relative_path).with_suffix("").parts:
        found = tuple(stem(w) for w in words(part) if not w.isdigit())
        if any(found[i : i + len(wanted)] == wanted for i in range(len(found) - len(wanted) + 1)):
            return True
    return False


def guess_entity(header: tuple[str, ...], relative_path: str, entities: tuple[Entity, ...]) -> EntityGuess | None:
    """The contract entity the file most likely holds, or None when no entity fits.

    Score: the share of the entity's columns found plus the share of the file's columns used,
    plus one when the file's name names the entity. At least two columns must match by name, or
    one and the file's name."""
    best: EntityGuess | None = None
    for entity in entities:
        matches = match_columns(header, entity)
        by_file = named_by_path(relative_path, entity)
        if len(matches) < 2 and not (matches and by_file):
            continue
        # an `ID` column matches every entity's key once the entity is implied: it weighs less
        weight = sum(AFFIX_WEIGHT if m.score in (ENTITY_AFFIX, ALIAS_AFFIX) else 1.0 for m in matches)
        score = weight / len(entity.columns) + weight / max(len(header), 1) + (FILE_NAME_WEIGHT if by_file else 0)
        if best is None or score > best.score:
            matched_exports = {m.export for m in matches}
            best = EntityGuess(
                entity,
                matches,
                score,
                by_file,
                unmatched_export=tuple(c for c in header if c not in matched_exports),
                unmatched_contract=tuple(c for c in entity.column_names if c not in {m.contract for m in matches}),
            )
    return best


def with_match(guess: EntityGuess, match: ColumnMatch) -> EntityGuess:
    """The guess with one more column match (found by its values)."""
    order = {name: i for i, name in enumerate(guess.entity.column_names)}
    matches = tuple(sorted((*guess.matches, match), key=lambda m: order[m.contract]))
    return EntityGuess(
        guess.entity,
        matches,
        guess.score,
        guess.named_by_file,
        unmatched_export=tuple(c for c in guess.unmatched_export if c != match.export),
        unmatched_contract=tuple(c for c in guess.unmatched_contract if c != match.contract),
    )
