"""Which timestamp/date formats a column's values are written in, and whether day and month are
ever ambiguous.

The values are read once in SQL (`signature_sql`): each non-empty value becomes a signature, which
candidate formats parse it and, per pair of formats that differ only in the order of day and
month (`%d-%m-%Y`, `%m-%d-%Y`), whether the two read it as different dates; equal signatures are
counted together. Everything else here is pure functions over those counted signatures: how many
values each format parses, how many are ambiguous, which order the data decides (a value only one
of a pair parses, such as `23-02-2020`), the formats to propose, and whether the source gets a
`date_order` (only when every pair left ambiguous is decided by its own values, the same way) or
each column keeps the order its own values prove.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from orchestration.mapping import ISO8601, DateOrder, ambiguous_pairs, is_day_first

# Tried in this order; on a tie the earlier one is proposed, so the contract's own comes first.
CANDIDATE_FORMATS: tuple[str, ...] = (
    ISO8601,
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d-%b-%Y",
    "%d-%b-%Y %H:%M:%S",
    "%d %b %Y",
    "%b %d, %Y",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%d.%m.%Y",
)
PAIRS: tuple[tuple[str, str], ...] = tuple(ambiguous_pairs(CANDIDATE_FORMATS))
# The contract's own format as staging reads it (macros/staging/text_shapes.sql): a date,
# or a date and time with an optional offset or `Z`.
ISO_TIMESTAMP = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?"
    r"([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)?)?"
)
ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

# (parsed by each candidate format, read differently by each pair) -> number of values
Signature = tuple[tuple[bool, ...], tuple[bool, ...]]


def _parse_sql(value: str, fmt: str, kind: str, parameter: str) -> str:
    """SQL that is non-null when `value` reads under `fmt` (the format itself is the parameter)."""
    if fmt == ISO8601 and kind == "date":
        return f"case when regexp_full_match({value}, {parameter}) then try_cast({value} as date) end"
    if fmt == ISO8601:
        return f"case when regexp_full_match({value}, {parameter}) then try_cast({value} as timestamptz) end"
    return f"try_strptime({value}, {parameter})"


def signature_sql(column_sql: str, table: str, kind: str) -> tuple[str, list[str]]:
    """The query counting the signatures of one column's non-empty values (with an example of
    each), and its parameters.

    column_sql and table are names of our own making (never read from a file); the formats are
    passed as parameters. kind: `timestamp` or `date` (ISO 8601 reads differently for each)."""
    parameters: list[str] = []

    def parsed(fmt: str) -> str:
        parameters.append((ISO_DATE if kind == "date" else ISO_TIMESTAMP) if fmt == ISO8601 else fmt)
        return _parse_sql("v", fmt, kind, f"${len(parameters)}")

    parsed_list = [f"{parsed(f)} is not null" for f in CANDIDATE_FORMATS]
    differs = [f"coalesce({parsed(a)} <> {parsed(b)}, false)" for a, b in PAIRS]
    sql = f"""
        with vals as (select nullif(trim({column_sql}), '') as v from {table})
        select [{', '.join(parsed_list)}] as parsed, [{', '.join(differs) or 'false'}] as differs, count(*), min(v)
        from vals
        where v is not null
        group by all
    """
    return sql, parameters


@dataclass(frozen=True)
class PairEvidence:
    """What a column's values say about one day/month pair of formats."""

    day_first_only: int = 0  # values only the day-first format parses (a day above 12 first)
    month_first_only: int = 0
    ambiguous: int = 0  # values the two read as different dates

    def __add__(self, other: PairEvidence) -> PairEvidence:
        return PairEvidence(
            self.day_first_only + other.day_first_only,
            self.month_first_only + other.month_first_only,
            self.ambiguous + other.ambiguous,
        )


@dataclass(frozen=True)
class FormatStats:
    values: int  # non-empty values
    parsed: dict[str, int]  # format -> values it parses (formats that parse none left out)
    unparsed: int  # values no candidate format parses
    ambiguous: int  # values a day-first and a month-first format read as different dates
    pairs: dict[tuple[str, str], PairEvidence]  # per day/month pair with any evidence

    @property
    def looks_temporal(self) -> bool:
        """Most values read as dates: a column worth matching by its values."""
        return self.values > 0 and self.unparsed <= self.values * 0.1


def format_stats(signatures: Counter[Signature]) -> FormatStats:
    parsed: Counter[str] = Counter()
    unparsed = ambiguous = 0
    pairs: dict[tuple[str, str], PairEvidence] = {}
    index = {f: i for i, f in enumerate(CANDIDATE_FORMATS)}
    for (ok, differs), n in signatures.items():
        for fmt, parses in zip(CANDIDATE_FORMATS, ok, strict=True):
            if parses:
                parsed[fmt] += n
        if not any(ok):
            unparsed += n
        if any(differs):
            ambiguous += n
        for pair_index, (a, b) in enumerate(PAIRS):
            day, month = (a, b) if is_day_first(a) else (b, a)
            evidence = PairEvidence(
                n if ok[index[day]] and not ok[index[month]] else 0,
                n if ok[index[month]] and not ok[index[day]] else 0,
                n if differs[pair_index] else 0,
            )
            if evidence != PairEvidence():
                pairs[(a, b)] = pairs.get((a, b), PairEvidence()) + evidence
    return FormatStats(
        values=sum(signatures.values()),
        parsed={f: parsed[f] for f in CANDIDATE_FORMATS if parsed[f]},
        unparsed=unparsed,
        ambiguous=ambiguous,
        pairs=pairs,
    )


def decide_date_order(evidence: PairEvidence) -> DateOrder | None:
    """The order the data proves: values only one order can read, and none only the other can."""
    if evidence.day_first_only and not evidence.month_first_only:
        return "day_first"
    if evidence.month_first_only and not evidence.day_first_only:
        return "month_first"
    return None


def choose_formats(signatures: Counter[Signature]) -> tuple[str, ...]:
    """The fewest candidate formats that parse every value that any parses, most values first.

    When some value reads as two different dates under a day/month pair, both formats of the
    pair are proposed: staging then quarantines those values as ambiguous, or reads them in the
    source's `date_order`, instead of taking whichever format happens to come first."""
    remaining = Counter(signatures)
    chosen: list[str] = []
    while True:
        gains = [
            (sum(n for (ok, _), n in remaining.items() if ok[i]), -i, fmt)
            for i, fmt in enumerate(CANDIDATE_FORMATS)
            if fmt not in chosen
        ]
        gain, _, best = max(gains, default=(0, 0, ""))
        if gain == 0:
            break
        chosen.append(best)
        i = CANDIDATE_FORMATS.index(best)
        remaining = Counter({sig: n for sig, n in remaining.items() if not sig[0][i]})
    for pair, evidence in format_stats(signatures).pairs.items():
        if not evidence.ambiguous:
            continue
        for fmt, twin in (pair, pair[::-1]):
            if fmt in chosen and twin not in chosen:
                chosen.insert(chosen.index(fmt) + 1, twin)
    return tuple(chosen)


def examples(signatures_examples: dict[Signature, str], signatures: Counter[Signature], ambiguous: bool) -> list[str]:
    """Example values that are ambiguous (or, with ambiguous=False, that no format parses)."""
    picked = [
        example
        for sig, example in sorted(signatures_examples.items(), key=lambda kv: -signatures[kv[0]])
        if (any(sig[1]) if ambiguous else not any(sig[0]))
    ]
    return picked[:3]


def pairs_in_play(formats: tuple[str, ...]) -> list[tuple[str, str]]:
    """The day/month pairs of which both formats are proposed: only they need a date_order."""
    return [pair for pair in PAIRS if pair[0] in formats and pair[1] in formats]


def source_date_order(decisions: list[DateOrder | None]) -> DateOrder | None:
    """The date_order to propose for a source, given what each (column, pair in play) decides by
    its own values: only when every one of them decides, and the same way. A pair's values decide
    it, never another format's (`21/04/2023` says nothing about `02-09-2020`)."""
    if decisions and decisions[0] is not None and all(d == decisions[0] for d in decisions):
        return decisions[0]
    return None


def settle_formats(formats: tuple[str, ...], stats: FormatStats) -> tuple[str, ...]:
    """A column's formats when its source gets no date_order: of a pair in play that the column's
    own values decide, only the decided format stays (its ambiguous values are read that way, as
    the rest of the column is); an undecided pair keeps both, so its ambiguous values are
    quarantined."""
    dropped = set()
    for pair in pairs_in_play(formats):
        decision = decide_date_order(stats.pairs.get(pair, PairEvidence()))
        if decision is not None:
            dropped.add(pair[1] if is_day_first(pair[0]) == (decision == "day_first") else pair[0])
    return tuple(f for f in formats if f not in dropped)
