"""The readable summary `profile` prints: per file and entity what was found and what to review."""

from __future__ import annotations

from pathlib import Path

from orchestration.identifiers import shown
from orchestration.onboard.profile import EntityProposal, Profile, SourceProposal, landing_refusal, to_mapping
from orchestration.onboard.proposal import (
    claim_problems,
    column_notes,
    count,
    format_note,
    header_difference_note,
    value_lines,
)

INDENT = "    "


def _entity_lines(proposal: EntityProposal, source: SourceProposal) -> list[str]:
    mapping = to_mapping(source).entities[proposal.entity.name]
    guess = proposal.guess
    files = ", ".join(f.file.relative for f in proposal.files)
    lines = [
        f"{proposal.entity.source}.{proposal.entity.name} <- {files} "
        f"({proposal.rows:,} rows; files: {mapping.files!r})",
        INDENT + "columns   " + ", ".join(
            f"{m.contract} <- {shown(m.export)}" + (f" ({m.how})" if m.how != "same name" else "")
            for m in guess.matches
        ),
    ]
    if note := header_difference_note(proposal):
        lines.append(INDENT + f"          {note}")
    if guess.unmatched_contract:
        lines.append(INDENT + "missing   " + ", ".join(
            f"{c} ({'defaulted to empty' if c in mapping.defaults else 'REQUIRED'})" for c in guess.unmatched_contract
        ))
    if guess.unmatched_export:
        lines.append(INDENT + "extra     " + ", ".join(shown(c) for c in guess.unmatched_export))
    id_columns, text_ids = [], []
    for column in proposal.findings:
        for note in column_notes(proposal, column):
            if note.startswith("ids: "):
                id_columns.append(f"{column} {note.removeprefix('ids: ')}")
            elif "as an integer" in note:
                text_ids.append(column)
            elif not note.startswith("matched") and "breaks the column-name rule" not in note:
                lines.append(INDENT + f"          {column}: {note}")
    if id_columns:
        lines.append(INDENT + "ids       " + "; ".join(id_columns))
    if text_ids:
        lines.append(
            INDENT + f"          review: the contract reads {', '.join(text_ids)} as integers: "
            "these text ids are quarantined as unparseable integer"
        )
    for column, found in proposal.findings.items():
        if found.signatures:
            formats = mapping.timestamp_formats.get(column, ("iso8601",))
            notes = format_note(proposal, column, source.date_order)
            lines.append(INDENT + f"dates     {column}: proposed {list(formats)}; " + notes[0])
            lines += [INDENT + f"          {column}: {n}" for n in notes[1:]]
        if found.values:
            entries, notes = value_lines(proposal, column)
            kind = "countries" if not proposal.entity.column(column).accepted_values else "values"
            distinct = ", ".join(f"{shown(v)} {n:,}" for v, n in found.values.most_common())
            lines.append(INDENT + f"{kind:<10}{column}: {distinct}")
            if entries:
                proposed = ", ".join(f"{shown(v)} -> {c}" for v, c, _ in entries)
                lines.append(INDENT + " " * 10 + f"{column}: proposed {proposed}")
            lines += [INDENT + f"          {column}: {n}" for n in notes]
    for file in proposal.files:
        if (refusal := landing_refusal(file, mapping)) is not None:
            lines.append(INDENT + f"REFUSED   landing would refuse {file.file.relative}: {refusal}")
    if proposal.glob.unclaimed:
        lines.append(INDENT + f"files     {mapping.files!r} leaves out {', '.join(proposal.glob.unclaimed)}")
    return lines


def summary_lines(profile: Profile, written: list[Path]) -> list[str]:
    recognized = len(profile.files) - len(profile.unassigned)
    lines = [f"profile of {profile.directory}: {count(len(profile.files), 'CSV file')}, {recognized} recognized", ""]
    if not profile.files:
        return lines[:1] + ["no CSV files (*.csv) in it, so no mapping proposed"]
    for source in profile.sources:
        for proposal in source.entities:
            lines += _entity_lines(proposal, source)
            lines.append("")
        if source.date_order:
            lines.append(f"{source.source}: date_order {source.date_order} (decided by the data)")
        elif source.evidence.ambiguous:
            lines.append(
                f"{source.source}: {source.evidence.ambiguous:,} ambiguous day/month values and nothing decides "
                "the order: no date_order proposed (they are quarantined as ambiguous until you declare one)"
            )
        lines += [f"{source.source}: {p}" for p in claim_problems(profile, source)]
    for file in profile.unassigned:
        why = "; ".join(file.problems) or "no contract entity matches its header"
        lines.append(f"NOT RECOGNIZED {file.file.relative}: {why}")
    for file in profile.files:
        # a header problem is named with the entity, as what landing would refuse
        notes = [p for p in file.problems if p != file.header.problem]
        if file.guess is not None and notes:
            lines.append(f"NOTE {file.file.relative}: {'; '.join(notes)}")
    lines.append("")
    if any(f.file.source is None for f in profile.files if f.guess):
        lines.append(
            "The export is not laid out by source system: put each source's files under "
            "<LANDING_DIR>/<source>/ (check does this in its scratch copy): "
            + "; ".join(
                f"{s.source}/ <- {', '.join(f.file.relative for p in s.entities for f in p.files)}"
                for s in profile.sources
            )
        )
    for path in written:
        lines.append(f"wrote {path}: review the lines marked `review:`")
    if written:
        lines.append(
            f"then: python -m orchestration.onboard check {profile.directory} --mappings {written[0].parent}"
        )
    return lines

