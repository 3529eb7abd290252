"""The proposal as YAML files in orchestration/mapping.py's format, with comments for the review.

The YAML is written line by line (PyYAML writes no comments). Every scalar that came from the
export (file names, header names, values) is written double-quoted by PyYAML itself, so a quote,
a `#`, a newline or a word like `no` stays the text it was; comments pass through `comment()`,
which keeps them on one line of printable characters. `write_proposals` reads each file back with
`read_mapping` and fails if it does not read as the proposal: what is written is what was meant.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import yaml

from orchestration.identifiers import shown, unsafe_column_name
from orchestration.landing.discovery import claim
from orchestration.mapping import DateOrder, EntityMapping, read_mapping
from orchestration.onboard.formats import decide_date_order, examples, format_stats, pairs_in_play
from orchestration.onboard.globs import landing_name
from orchestration.onboard.profile import (
    EntityProposal,
    Profile,
    SourceProposal,
    is_country_column,
    is_id_column,
    landing_refusal,
    to_mapping,
)
from orchestration.onboard.values import OTHER_SHAPE, is_iso_country, needs_synonym, propose_country, propose_value

REVIEW = "review:"


class ProposalError(Exception):
    """The proposal cannot be written (a file exists, or it does not read back as meant)."""


def quoted(value: object) -> str:
    """A YAML scalar that reads back as exactly `value`."""
    if value is None:
        return "null"
    return yaml.safe_dump(str(value), default_style='"', allow_unicode=False, width=math.inf).strip()


def flow_list(values: Iterable[object]) -> str:
    return "[" + ", ".join(quoted(v) for v in values) + "]"


def printable(text: str) -> str:
    """One line of printable characters: anything else (a newline in a value) becomes `?`."""
    return "".join(c if c.isprintable() else "?" for c in text)


def comment(text: str) -> str:
    """A comment at the end of a line."""
    return "  # " + printable(text)


def note_line(indent: int, text: str) -> str:
    """A comment on a line of its own."""
    return " " * indent + "# " + printable(text)


def count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


# ------------------------------------------------------------------------------ notes
def header_difference_note(proposal: EntityProposal) -> str | None:
    """Files of one entity whose headers map differently: one mapping cannot read them all."""
    if not (differing := proposal.header_differences()):
        return None
    return (
        f"{REVIEW} {', '.join(differing)} name columns differently from {proposal.files[0].file.relative}: "
        "one mapping per entity, so make their headers alike (or is it another entity?)"
    )


def column_notes(proposal: EntityProposal, column: str) -> list[str]:
    """Review notes on one matched contract column: its header name and id shape."""
    notes: list[str] = []
    # the mapping follows the entity's first file; a column only its other files bring has no
    # header name to note (header_differences names those files)
    match = next((m for m in proposal.guess.matches if m.contract == column), None)
    if match is None:
        return notes
    if match.how and match.how != "same name":
        notes.append(f"matched: {match.how}")
    if (reason := unsafe_column_name(match.export)) is not None:
        notes.append(
            f"{REVIEW} the header {shown(match.export)} {reason}: landing refuses the file until the "
            "header is renamed to the name given here"
        )
    found = proposal.findings.get(column)
    contract = proposal.entity.column(column)
    if found and found.id_shapes and is_id_column(proposal.entity, contract):
        shapes = ", ".join(
            f"{shape} {n:,} (e.g. {shown(found.id_examples[shape])})" for shape, n in found.id_shapes.most_common()
        )
        notes.append(f"ids: {shapes}")
        if contract.type == "integer" and set(found.id_shapes) - {"integer"}:
            notes.append(
                f"{REVIEW} the contract reads {column} as an integer: text ids are quarantined "
                "as unparseable integer"
            )
        if OTHER_SHAPE in found.id_shapes:
            notes.append(f"{REVIEW} some ids have no common shape")
    if found and contract.required and (empty := proposal.rows_with(column) - found.non_empty) > 0:
        notes.append(f"{REVIEW} {count(empty, 'row')} without a value: quarantined as required value missing")
    return notes


def format_note(proposal: EntityProposal, column: str, date_order: DateOrder | None) -> list[str]:
    """How many values each format reads, and what happens to those two formats read differently."""
    found = proposal.findings[column]
    stats = format_stats(found.signatures)
    formats = proposal.formats.get(column, ())
    parsed = ", ".join(f"{fmt} {n:,}" for fmt, n in sorted(stats.parsed.items(), key=lambda kv: -kv[1]))
    notes = [f"of {count(stats.values, 'value')}: {parsed or 'none parse'}"]
    in_play = pairs_in_play(formats)
    for pair, evidence in stats.pairs.items():
        if not evidence.ambiguous:
            continue
        ambiguous = ", ".join(shown(e) for e in examples(found.signature_examples, found.signatures, True))
        what = (
            f"{count(evidence.ambiguous, 'value')} read as two different dates under "
            f"{' and '.join(pair)} (e.g. {ambiguous})"
        )
        if pair in in_play and date_order is not None:
            notes.append(f"{what}: read {date_order.replace('_', '-')} as date_order says")
        elif pair in in_play:
            notes.append(f"{REVIEW} {what}: quarantined as ambiguous until date_order is declared")
        elif (decided := decide_date_order(evidence)) is not None:  # settled: the column decides
            proof = evidence.day_first_only if decided == "day_first" else evidence.month_first_only
            notes.append(
                f"{REVIEW} {what}: read {decided.replace('_', '-')}, as {count(proof, 'other value')} "
                f"of this column can only be read"
            )
    if stats.unparsed:
        unparsed = ", ".join(shown(e) for e in examples(found.signature_examples, found.signatures, False))
        notes.append(
            f"{REVIEW} {count(stats.unparsed, 'value')} no format reads (e.g. {unparsed}): "
            "add a format or they are quarantined as unparseable"
        )
    return notes


def value_lines(proposal: EntityProposal, column: str) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(export value, contract value, note) lines to write, and review notes for the rest."""
    found = proposal.findings[column]
    contract = proposal.entity.column(column)
    lines, notes = [], []
    for value, n in found.values.most_common():
        if contract.accepted_values:
            value_proposal = propose_value(value, contract.accepted_values)
            if value_proposal.contract_value is None:
                notes.append(
                    f"{REVIEW} {shown(value)} ({count(n, 'row')}) is no accepted value of {column} "
                    f"({', '.join(contract.accepted_values)}): map it here or those rows are quarantined"
                )
            elif needs_synonym(value_proposal):
                lines.append((value, value_proposal.contract_value, f"{value_proposal.how}, {count(n, 'row')}"))
        elif is_country_column(contract) and not is_iso_country(value):
            code = propose_country(value)
            if code is None:
                notes.append(
                    f"{REVIEW} {shown(value)} ({count(n, 'row')}) names no ISO 3166-1 alpha-2 country: "
                    "map it here to a code, or fix it at the source"
                )
            else:
                lines.append((value, code, f"not an ISO alpha-2 code, {count(n, 'row')}"))
    if found.distinct_beyond:
        notes.append(
            f"{REVIEW} {found.distinct_beyond:,} more distinct values not shown: is this column "
            "really the enum it was matched to?"
        )
    return lines, notes


# ------------------------------------------------------------------------------ YAML
def _entity_lines(proposal: EntityProposal, mapping: EntityMapping, date_order: DateOrder | None) -> list[str]:
    name = proposal.entity.name
    guess = proposal.guess
    files = ", ".join(f.file.relative for f in proposal.files)
    lines = [
        f"  {name}:",
        note_line(4,
            f"from {files}: {count(proposal.rows, 'row')}; {len(guess.matches)} of "
            f"{len(proposal.entity.columns)} contract columns matched"
        ),
        f"    files: {quoted(mapping.files)}" + comment("under <LANDING_DIR>/" + proposal.entity.source + "/"),
    ]
    if proposal.glob.unclaimed:
        lines.append(note_line(4,
            f"{REVIEW} this pattern does not claim {', '.join(proposal.glob.unclaimed)}: rename those files"
        ))
    for file in proposal.files:
        if (refusal := landing_refusal(file, mapping)) is not None:
            lines.append(note_line(4, f"{REVIEW} landing would refuse {file.file.relative}: {refusal}"))
    if note := header_difference_note(proposal):
        lines.append(note_line(4, note))

    lines.append("    columns:" if mapping.columns else "    columns: {}")
    for column, export in mapping.columns.items():
        notes = column_notes(proposal, column)
        lines.append(f"      {column}: {quoted(export)}" + (comment("; ".join(notes)) if notes else ""))
    for column in (m.contract for m in guess.matches if m.contract not in mapping.columns):
        if notes := column_notes(proposal, column):
            lines.append(note_line(6, f"{column}: " + "; ".join(notes)))

    value_tables = [(c, *value_lines(proposal, c)) for c in proposal.findings if proposal.findings[c].values]
    lines.append("    values:" if mapping.values else "    values: {}")
    for column, entries, notes in value_tables:
        if entries:
            lines.append(f"      {column}:")
            lines += [f"        {quoted(v)}: {quoted(c)}" + comment(note) for v, c, note in entries]
            lines += [note_line(8, n) for n in notes]
        elif notes:
            lines += [note_line(6, f"{column}: {n}") for n in notes]

    lines.append("    defaults:" if mapping.defaults else "    defaults: {}")
    for column in guess.unmatched_contract:
        if column in mapping.defaults:
            lines.append(
                f"      {column}: null"
                + comment(f"{REVIEW} not in the export (optional): every row gets an empty {column}")
            )
        elif column in proposal.entity.key:
            lines.append(note_line(6,
                f"{REVIEW} {column} (part of the key) is not in the export: landing refuses the file without it"
            ))
        else:
            lines.append(
                f"      # {column}: {quoted('<the value every row has>')}"
                + comment(
                    f"{REVIEW} required and not in the export: give every row's value, or landing refuses the file"
                )
            )

    lines.append("    timestamp_formats:" if mapping.timestamp_formats else "    timestamp_formats: {}")
    for column in proposal.findings:
        if proposal.entity.column(column).type not in ("timestamp", "date") or not proposal.findings[column].signatures:
            continue
        notes = format_note(proposal, column, date_order)
        if column in mapping.timestamp_formats:
            lines.append(f"      {column}: {flow_list(mapping.timestamp_formats[column])}" + comment(notes[0]))
        else:
            lines.append(note_line(6, f"{column}: iso8601 (the source's default) reads them; {notes[0]}"))
        lines += [note_line(6, n) for n in notes[1:]]
    if guess.unmatched_export:
        lines.append(note_line(4,
            "export columns the contract has no place for (landed as extra columns, unused): "
            + ", ".join(shown(c) for c in guess.unmatched_export)
        ))
    return lines


def _date_order_lines(source: SourceProposal) -> list[str]:
    evidence = source.evidence
    if source.date_order is not None:
        return [
            f"date_order: {source.date_order}" + comment(
                f"the data decides: {count(evidence.day_first_only, 'value')} read only day-first, "
                f"{count(evidence.month_first_only, 'value')} only month-first"
            )
        ]
    if evidence.day_first_only and evidence.month_first_only:
        return [note_line(0,
            f"date_order: {REVIEW} both orders appear ({evidence.day_first_only:,} values read only "
            f"day-first, {evidence.month_first_only:,} only month-first): files or columns mix them; "
            "give a column its own timestamp_formats"
        )]
    if evidence.ambiguous:
        return ["# date_order: day_first" + comment(
            f"{REVIEW} {count(evidence.ambiguous, 'value')} read as two different dates and no value "
            "decides the order: declare day_first or month_first, or they are quarantined as ambiguous"
        )]
    return []


def render(source: SourceProposal, profile: Profile) -> str:
    mapping = to_mapping(source)
    lines = [
        f"# Source mapping for {source.source}, proposed by `python -m orchestration.onboard profile`",
        note_line(0, f"from {profile.directory} on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC."),
        "# Review every line marked `review:`, then dry-run it:",
        "#   python -m orchestration.onboard check <export dir> --mappings <this folder>",
        "# Format: orchestration/mapping.py; entities not listed here map one to one (<entity>/*.csv).",
        f"source: {source.source}",
        "timezone: UTC" + comment(f"{REVIEW} the zone of timestamps written without an offset (IANA name)"),
        "timestamp_formats: [iso8601]" + comment("tried for columns without their own timestamp_formats"),
        *_date_order_lines(source),
        "entities:",
    ]
    for proposal in source.entities:
        lines += _entity_lines(proposal, mapping.entities[proposal.entity.name], source.date_order)
    return "\n".join(lines) + "\n"


def write_proposals(profile: Profile, out: Path, force: bool = False) -> list[Path]:
    """Write `<out>/<source>.yml` per source system; each must read back as the proposal."""
    targets = {source.source: out / f"{source.source}.yml" for source in profile.sources}
    if not force and (existing := [p for p in targets.values() if p.exists()]):
        raise ProposalError(
            f"{', '.join(map(str, existing))} exist: a reviewed mapping is not overwritten "
            "(choose another --out, or pass --force)"
        )
    out.mkdir(parents=True, exist_ok=True)
    for source in profile.sources:
        path = targets[source.source]
        path.write_text(render(source, profile), encoding="utf-8")
        if read_mapping(path) != to_mapping(source, path):
            raise ProposalError(f"{path} does not read back as proposed: a bug in orchestration/onboard")
    return list(targets.values())


def claim_problems(profile: Profile, source: SourceProposal) -> list[str]:
    """Files the proposed mapping would give to another entity, or to none (landing's own rule)."""
    mapping = to_mapping(source)
    own = {f.file.relative: p.entity.name for p in source.entities for f in p.files}
    problems = []
    for file in profile.files:
        if file.file.relative not in own or file.file.link:
            continue
        claimed, reason = claim(landing_name(file.file.inside), mapping)  # once renamed, if it must be
        if reason:
            problems.append(f"{file.file.relative}: {reason}")
        elif claimed is None or claimed.entity.name != own[file.file.relative]:
            given_to = claimed.entity.name if claimed else "no entity"
            problems.append(f"{file.file.relative}: the patterns give it to {given_to}")
    return problems

