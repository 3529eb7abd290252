"""What an export's values say: enum synonyms, country codes, id shapes. Pure functions.

Staging already folds the case of an enum (`Paid` is `paid`), so a synonym is proposed only for a
value that differs otherwise: separators (`Bank Transfer` -> `bank_transfer`), a known synonym
(`Successful` -> `succeeded`) or the same word stem (`Refund` -> `refunded`). A value nothing
matches is left for the user, never guessed.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from orchestration.onboard.names import normal, snake
from orchestration.settings import PROJECT_DIR

ISO_3166_SEED = PROJECT_DIR / "seeds" / "reference" / "iso_3166_countries.csv"

# Export value (normal form) -> contract value, proposed only where the column accepts it.
VALUE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "success": ("succeeded", "paid", "active"),
    "successful": ("succeeded", "paid"),
    "succeed": ("succeeded",),
    "ok": ("succeeded",),
    "complete": ("succeeded", "paid"),
    "completed": ("succeeded", "paid"),
    "captured": ("succeeded", "paid"),
    "settled": ("succeeded", "paid"),
    "failure": ("failed",),
    "fail": ("failed",),
    "declined": ("failed",),
    "error": ("failed",),
    "rejected": ("failed",),
    "unpaid": ("pending",),
    "processing": ("pending",),
    "inactive": ("suspended", "closed"),
    "deleted": ("closed",),
    "cancelled": ("cancel",),
    "canceled": ("cancel",),
    "cancellation": ("cancel",),
    "credit_card": ("card",),
    "debit_card": ("card",),
    "bank": ("bank_transfer",),
    "wire": ("bank_transfer",),
    "yearly": ("annual",),
    "annually": ("annual",),
    "month": ("monthly",),
    "basic": ("beginner",),
    "expert": ("advanced",),
    "all": ("all_levels",),
    "english": ("en",),
    "spanish": ("es",),
    "portuguese": ("pt",),
    "german": ("de",),
    "french": ("fr",),
    "hindi": ("hi",),
    "twitter": ("x",),
}


@dataclass(frozen=True)
class ValueProposal:
    value: str  # as exported
    contract_value: str | None  # None: nothing matches, the user decides
    how: str  # "accepted", "case", "separators", "synonym", "stem" or "no match"


def propose_value(value: str, accepted: tuple[str, ...]) -> ValueProposal:
    """How one exported value of an enum column maps onto the contract's accepted values."""
    if value in accepted:
        return ValueProposal(value, value, "accepted")
    folded = {a.lower(): a for a in accepted}
    if value.strip().lower() in folded:
        return ValueProposal(value, folded[value.strip().lower()], "case")
    as_snake = snake(value)
    by_snake = {snake(a): a for a in accepted}
    if as_snake in by_snake:
        return ValueProposal(value, by_snake[as_snake], "separators")
    for synonym in VALUE_SYNONYMS.get(as_snake, ()):
        if synonym in accepted:
            return ValueProposal(value, synonym, "synonym")
    by_stem = {normal(a): a for a in accepted}
    if normal(value) and normal(value) in by_stem:
        return ValueProposal(value, by_stem[normal(value)], "stem")
    return ValueProposal(value, None, "no match")


def needs_synonym(proposal: ValueProposal) -> bool:
    """Staging folds case itself: only other differences need a line in the mapping."""
    return proposal.how not in ("accepted", "case")


# ------------------------------------------------------------------------------ countries
# Names no tz database name gives, and codes people write that ISO 3166-1 does not have.
COUNTRY_ALIASES = {
    "uk": "GB",
    "u k": "GB",
    "united kingdom": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "usa": "US",
    "u s a": "US",
    "u s": "US",
    "united states of america": "US",
    "america": "US",
    "uae": "AE",
    "south korea": "KR",
    "republic of korea": "KR",
    "north korea": "KP",
    "czechia": "CZ",
    "holland": "NL",
    "the netherlands": "NL",
    "russian federation": "RU",
    "viet nam": "VN",
    "ivory coast": "CI",
}


def _country_key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower().replace("&", " and ")).split())


@lru_cache(maxsize=1)
def iso_countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> English name: the seed staging validates country codes against."""
    with ISO_3166_SEED.open(newline="", encoding="utf-8") as handle:
        return {row["country_code"]: row["country_name"] for row in csv.DictReader(handle)}


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    codes_of: dict[str, set[str]] = {}
    for code, name in iso_countries().items():
        for variant in (name, name.split("(")[0]):  # "Britain (UK)" is also "Britain"
            codes_of.setdefault(_country_key(variant), set()).add(code)
    # a name two countries share ("Korea") names neither
    names = {key: next(iter(codes)) for key, codes in codes_of.items() if len(codes) == 1}
    names.update(COUNTRY_ALIASES)
    return names


def is_iso_country(value: str) -> bool:
    return value in iso_countries()


def propose_country(value: str) -> str | None:
    """The ISO alpha-2 code a country value means (`INDIA` -> `IN`, `uk` -> `GB`, `in` -> `IN`),
    or None when it names no one country (`OTHERS`)."""
    if value.strip().upper() in iso_countries() and value.strip().lower() not in COUNTRY_ALIASES:
        return value.strip().upper()
    return _country_names().get(_country_key(value))


# ------------------------------------------------------------------------------ id shapes
# (shape, pattern) in the order tried; the same patterns classify values in SQL (RE2) and here.
ID_SHAPES: tuple[tuple[str, str], ...] = (
    ("integer", r"[0-9]+"),
    ("uuid", r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"),
    ("hex", r"[0-9A-Fa-f]{12,}"),  # long enough not to be a short code like `C0001` or `ABC123`
    ("prefix+digits", r"[A-Za-z]+[-_]?[0-9]+"),
)
OTHER_SHAPE = "other"


def id_shape(value: str) -> str:
    for shape, pattern in ID_SHAPES:
        if re.fullmatch(pattern, value):
            return shape
    return OTHER_SHAPE


def id_shape_sql(value_sql: str) -> tuple[str, list[str]]:
    """SQL classifying `value_sql` like id_shape does, and its parameters (the patterns)."""
    whens = " ".join(f"when regexp_full_match({value_sql}, ?) then '{shape}'" for shape, _ in ID_SHAPES)
    return f"case {whens} else '{OTHER_SHAPE}' end", [pattern for _, pattern in ID_SHAPES]
