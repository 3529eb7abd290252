"""`profile`: read an unknown export and propose a source mapping per source system.

Per file: which entity (names.guess_entity, by header and file name), which column is which
(by name; a date column no name matched, by its values), and per contract column what its values
say: date formats and ambiguity (formats), enum values and synonyms, countries, id shapes
(values). Files of one entity are merged; per source system the proposal becomes a
SourceMapping (`to_mapping`), which proposal.py writes as YAML with the review notes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration import duckdb_connect
from orchestration.contracts import ENTITIES, Column, Entity
from orchestration.identifiers import unsafe_column_name
from orchestration.landing.checks import FileRejected, check_header
from orchestration.mapping import ISO8601, DateOrder, EntityMapping, SourceMapping, default_mapping
from orchestration.onboard.export import (
    ROWS_TABLE,
    ExportFile,
    Header,
    UnreadableFile,
    find_files,
    load_rows,
    position_name,
    read_header,
)
from orchestration.onboard.formats import (
    PairEvidence,
    Signature,
    choose_formats,
    decide_date_order,
    format_stats,
    pairs_in_play,
    settle_formats,
    signature_sql,
    source_date_order,
)
from orchestration.onboard.globs import GlobProposal, propose_glob
from orchestration.onboard.names import BY_VALUES, ColumnMatch, EntityGuess, guess_entity, snake, with_match
from orchestration.onboard.values import (
    id_shape_sql,
    is_iso_country,
    needs_synonym,
    propose_country,
    propose_value,
)

Signatures = tuple[Counter[Signature], dict[Signature, str]]  # counted signatures, an example of each
MAX_DISTINCT = 50  # an enum or country column with more distinct values is listed by its top ones
TEMPORAL = ("timestamp", "date")


def is_country_column(column: Column) -> bool:
    return column.type == "text" and snake(column.name).startswith("country")


def is_id_column(entity: Entity, column: Column) -> bool:
    # a date or a code in a composite key (an exchange rate's day and currency) is no id to shape
    if column.type in TEMPORAL or column.accepted_values:
        return False
    return column.name in entity.key or snake(column.name) == "id" or snake(column.name).endswith("_id")


@dataclass
class ColumnFindings:
    """What the values of one contract column's export column say, summed over the entity's files."""

    signatures: Counter[Signature] = field(default_factory=Counter)
    signature_examples: dict[Signature, str] = field(default_factory=dict)
    values: Counter[str] = field(default_factory=Counter)  # enum and country columns
    distinct_beyond: int = 0  # distinct values left out of `values` (more than MAX_DISTINCT)
    id_shapes: Counter[str] = field(default_factory=Counter)
    id_examples: dict[str, str] = field(default_factory=dict)
    non_empty: int = 0


@dataclass
class FileProfile:
    file: ExportFile
    header: Header
    rows: int | None = None  # None when the rows could not be read
    guess: EntityGuess | None = None
    problems: list[str] = field(default_factory=list)
    findings: dict[str, ColumnFindings] = field(default_factory=dict)  # by contract column


@dataclass
class EntityProposal:
    entity: Entity
    files: list[FileProfile]
    glob: GlobProposal
    findings: dict[str, ColumnFindings]
    formats: dict[str, tuple[str, ...]] = field(default_factory=dict)  # timestamp/date column -> formats

    @property
    def guess(self) -> EntityGuess:
        guess = self.files[0].guess
        assert guess is not None
        return guess

    @property
    def rows(self) -> int:
        return sum(f.rows or 0 for f in self.files)

    def rows_with(self, column: str) -> int:
        """Rows of the files that have the contract column."""
        return sum(f.rows or 0 for f in self.files if f.guess and column in f.guess.export_of)

    def header_differences(self) -> list[str]:
        """Files whose columns map differently from the first file's (one mapping per entity)."""
        first = self.guess.export_of
        return [f.file.relative for f in self.files[1:] if f.guess and f.guess.export_of != first]


@dataclass
class SourceProposal:
    source: str
    entities: list[EntityProposal]
    date_order: DateOrder | None
    evidence: PairEvidence  # over the day/month pairs of which the proposed formats keep both

    def entity(self, name: str) -> EntityProposal:
        return next(e for e in self.entities if e.entity.name == name)


@dataclass
class Profile:
    directory: Path
    files: list[FileProfile]
    sources: list[SourceProposal]

    @property
    def unassigned(self) -> list[FileProfile]:
        return [f for f in self.files if f.guess is None]


# ------------------------------------------------------------------------------ reading values
def _signatures(con: duckdb.DuckDBPyConnection, position: int, kind: str) -> Signatures:
    sql, parameters = signature_sql(position_name(position), ROWS_TABLE, kind)
    rows = con.execute(sql, parameters).fetchall()
    signatures = Counter({(tuple(parsed), tuple(differs)): n for parsed, differs, n, _ in rows})
    return signatures, {(tuple(parsed), tuple(differs)): example for parsed, differs, _, example in rows}


def _distinct_values(con: duckdb.DuckDBPyConnection, position: int) -> tuple[Counter[str], int]:
    """The column's most frequent non-empty values (up to MAX_DISTINCT) and how many more there are."""
    name = position_name(position)
    rows = con.execute(
        f"""
        select v, count(*) as n, count(*) over () as distinct_values
        from (select nullif(trim({name}), '') as v from {ROWS_TABLE})
        where v is not null
        group by v
        order by n desc, v
        limit {MAX_DISTINCT}
        """
    ).fetchall()
    beyond = (rows[0][2] - len(rows)) if rows else 0
    return Counter({v: n for v, n, _ in rows}), beyond


def _id_shapes(con: duckdb.DuckDBPyConnection, position: int) -> tuple[Counter[str], dict[str, str]]:
    shape_sql, parameters = id_shape_sql("v")
    rows = con.execute(
        f"""
        select {shape_sql} as shape, count(*), min(v)
        from (select nullif(trim({position_name(position)}), '') as v from {ROWS_TABLE})
        where v is not null
        group by shape
        """,
        parameters,
    ).fetchall()
    return Counter({shape: n for shape, n, _ in rows}), {shape: example for shape, _, example in rows}


def _non_empty(con: duckdb.DuckDBPyConnection, position: int) -> int:
    name = position_name(position)
    row = con.execute(f"select count(nullif(trim({name}), '')) from {ROWS_TABLE}").fetchone()
    return row[0] if row else 0


def _match_dates_by_values(
    con: duckdb.DuckDBPyConnection, guess: EntityGuess, header: Header
) -> tuple[EntityGuess, dict[str, Signatures]]:
    """A timestamp or date column no name matched gets the one export column left whose values
    read as dates, when there is exactly one of each (marked for review)."""
    entity = guess.entity
    open_contract = [c for c in guess.unmatched_contract if entity.column(c).type in TEMPORAL]
    if not open_contract:
        return guess, {}
    position = {name: i for i, name in enumerate(header.columns, start=1)}
    kind = entity.column(open_contract[0]).type
    temporal = {}
    for export in guess.unmatched_export:
        signatures = _signatures(con, position[export], kind)
        if format_stats(signatures[0]).looks_temporal:
            temporal[export] = signatures
    if len(open_contract) == 1 and len(temporal) == 1:
        (export, signatures), = temporal.items()
        return with_match(guess, ColumnMatch(open_contract[0], export, BY_VALUES)), {open_contract[0]: signatures}
    return guess, {}


def _findings(
    con: duckdb.DuckDBPyConnection, guess: EntityGuess, header: Header, known: dict[str, Signatures]
) -> dict[str, ColumnFindings]:
    entity = guess.entity
    position = {name: i for i, name in enumerate(header.columns, start=1)}
    findings = {}
    for match in guess.matches:
        column = entity.column(match.contract)
        at = position[match.export]
        found = ColumnFindings(non_empty=_non_empty(con, at))
        if column.type in TEMPORAL:
            found.signatures, found.signature_examples = known.get(column.name) or _signatures(con, at, column.type)
        if column.accepted_values or is_country_column(column):
            found.values, found.distinct_beyond = _distinct_values(con, at)
        if is_id_column(entity, column):
            found.id_shapes, found.id_examples = _id_shapes(con, at)
        findings[column.name] = found
    return findings


def profile_file(con: duckdb.DuckDBPyConnection, export_file: ExportFile, entities: tuple[Entity, ...]) -> FileProfile:
    if export_file.link:
        return FileProfile(export_file, Header((), ",", None), problems=[export_file.problem or "a link"])
    header = read_header(export_file.path)
    profile = FileProfile(export_file, header)
    profile.problems += [p for p in (export_file.problem, header.problem) if p]
    profile.guess = guess_entity(header.columns, export_file.relative, entities) if header.columns else None
    if profile.guess is None:
        return profile
    try:
        profile.rows = load_rows(con, export_file.path, header)
    except UnreadableFile as error:
        profile.problems.append(f"DuckDB cannot read it as CSV: {error}")
        return profile
    profile.guess, known = _match_dates_by_values(con, profile.guess, header)
    profile.findings = _findings(con, profile.guess, header, known)
    return profile


# ------------------------------------------------------------------------------ merging
def _merge(files: list[FileProfile]) -> dict[str, ColumnFindings]:
    merged: dict[str, ColumnFindings] = {}
    for file in files:
        for column, found in file.findings.items():
            into = merged.setdefault(column, ColumnFindings())
            into.signatures.update(found.signatures)
            for signature, example in found.signature_examples.items():
                into.signature_examples.setdefault(signature, example)
            into.values.update(found.values)
            into.distinct_beyond += found.distinct_beyond
            into.id_shapes.update(found.id_shapes)
            for shape, example in found.id_examples.items():
                into.id_examples.setdefault(shape, example)
            into.non_empty += found.non_empty
    return merged


def _settle_date_order(proposals: list[EntityProposal]) -> tuple[DateOrder | None, PairEvidence]:
    """The source's date_order, if its data decides one; otherwise columns that decide their own
    pairs keep only the decided format. Returns the order and the evidence of the pairs left in
    play (their ambiguous values are quarantined unless the order is declared)."""
    stats = {(p.entity.name, c): format_stats(f.signatures) for p in proposals for c, f in p.findings.items()}
    in_play = [(p, c, pair) for p in proposals for c, formats in p.formats.items() for pair in pairs_in_play(formats)]
    decisions = [decide_date_order(stats[(p.entity.name, c)].pairs.get(pair, PairEvidence())) for p, c, pair in in_play]
    date_order = source_date_order(decisions)
    if date_order is None:
        for proposal in proposals:
            proposal.formats = {
                column: settle_formats(formats, stats[(proposal.entity.name, column)])
                for column, formats in proposal.formats.items()
            }
    evidence = PairEvidence()
    for proposal in proposals:
        for column, formats in proposal.formats.items():
            for pair in pairs_in_play(formats):
                evidence = evidence + stats[(proposal.entity.name, column)].pairs.get(pair, PairEvidence())
    return date_order, evidence


def propose_sources(files: list[FileProfile]) -> list[SourceProposal]:
    by_entity: dict[tuple[str, str], list[FileProfile]] = {}
    for file in files:
        if file.guess is not None:
            by_entity.setdefault((file.guess.entity.source, file.guess.entity.name), []).append(file)
    sources = []
    order = {e.name: i for i, e in enumerate(ENTITIES)}
    for source in dict.fromkeys(s for s, _ in sorted(by_entity, key=lambda k: order[k[1]])):
        proposals = []
        for (entity_source, _name), own in sorted(by_entity.items(), key=lambda kv: order[kv[0][1]]):
            if entity_source != source:
                continue
            folder = own[0].file.source
            others = [f.file.inside for f in files if f not in own and f.file.source == folder]
            findings = _merge(own)
            formats = {c: choose_formats(f.signatures) for c, f in findings.items() if f.signatures}
            entity = own[0].guess.entity  # type: ignore[union-attr]
            glob = propose_glob([f.file.inside for f in own], others)
            proposals.append(EntityProposal(entity, own, glob, findings, formats))
        date_order, evidence = _settle_date_order(proposals)
        sources.append(SourceProposal(source, proposals, date_order, evidence))
    return sources


def profile_export(directory: Path, source: str | None = None) -> Profile:
    """Profile every CSV file under `directory`; `source` limits the entities to one system's."""
    files = []
    with duckdb_connect.connect() as con:
        for export_file in find_files(directory):
            folder = export_file.source or source
            entities = tuple(e for e in ENTITIES if folder is None or e.source == folder)
            files.append(profile_file(con, export_file, entities))
    return Profile(directory, files, propose_sources(files))


# ------------------------------------------------------------------------------ the mapping
def safe_export_name(name: str, position: int) -> str:
    """A name landing accepts for a header that breaks the column-name rule (`Payment Date` ->
    `payment_date`), for the user to rename the header to."""
    candidate = snake(name)
    if candidate and unsafe_column_name(candidate) is None:
        return candidate
    return f"column_{position}"


def proposed_columns(proposal: EntityProposal) -> dict[str, str]:
    """contract column -> export column, where they differ (unsafe header names renamed)."""
    header = proposal.files[0].header.columns
    columns = {}
    for match in proposal.guess.matches:
        export = match.export
        if unsafe_column_name(export) is not None:
            export = safe_export_name(export, header.index(export) + 1)
        if export != match.contract:
            columns[match.contract] = export
    return columns


def proposed_values(proposal: EntityProposal) -> dict[str, dict[str, str]]:
    """contract column -> {export value: contract value} for the values staging cannot read as is."""
    values: dict[str, dict[str, str]] = {}
    for column_name, found in proposal.findings.items():
        column = proposal.entity.column(column_name)
        table = {}
        for value in found.values:
            if column.accepted_values:
                value_proposal = propose_value(value, column.accepted_values)
                if needs_synonym(value_proposal) and value_proposal.contract_value is not None:
                    table[value] = value_proposal.contract_value
            elif (
                is_country_column(column)
                and not is_iso_country(value)
                and (code := propose_country(value)) is not None
            ):
                table[value] = code
        if table:
            values[column_name] = table
    return values


def proposed_defaults(proposal: EntityProposal) -> dict[str, str | None]:
    """Optional contract columns the export lacks: empty. Required ones are for the user."""
    return {
        c: None
        for c in proposal.guess.unmatched_contract
        if not proposal.entity.column(c).required and c not in proposal.entity.key
    }


def proposed_formats(proposal: EntityProposal) -> dict[str, tuple[str, ...]]:
    return {c: f for c, f in proposal.formats.items() if f and f != (ISO8601,)}


def to_mapping(source: SourceProposal, path: Path | None = None) -> SourceMapping:
    """The proposal as the SourceMapping `read_mapping` should read back from its YAML."""
    entities = dict(default_mapping(source.source).entities)
    for proposal in source.entities:
        entities[proposal.entity.name] = EntityMapping(
            proposal.entity,
            proposal.glob.glob,
            proposed_columns(proposal),
            proposed_values(proposal),
            proposed_defaults(proposal),
            proposed_formats(proposal),
        )
    return SourceMapping(source.source, entities, "UTC", (ISO8601,), source.date_order, path)


def landing_refusal(file: FileProfile, mapping: EntityMapping) -> str | None:
    """What landing would say about the file's header under the proposed mapping (its own check)."""
    if file.header.problem:
        return file.header.problem
    try:
        with file.file.path.open(encoding="utf-8-sig", newline="") as handle:
            check_header(handle.readline(), mapping)
    except FileRejected as refusal:
        return str(refusal)
    except (OSError, UnicodeDecodeError) as error:
        return str(error)
    return None
