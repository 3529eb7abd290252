"""Source mappings: how one source system's exports map onto the landing contract.

A mapping is a YAML file the user writes, one per source system (`<MAPPING_DIR>/<source>.yml`);
`mappings/` ships the ones of the generated dataset, which are one case of what a user declares.
A source without a file maps one to one: files under `<source>/<entity>/`, contract column
names, ISO 8601 timestamps. The file says, per entity:

- `files`: which files hold the entity, a glob under `<LANDING_DIR>/<source>/`;
- `columns`: `contract column: export column` where the export names it differently;
- `values`: `contract column: {export value: contract value}` synonyms (`Successful: succeeded`);
- `defaults`: `contract column: value` for columns the export lacks (marked defaulted);
- `timestamp_formats`: `contract column: [formats]` tried in order, overriding the source's.

and for the whole source `timezone` (of timestamps written without an offset), `timestamp_formats`
(strftime codes, tried in order; `iso8601` is the contract's own format) and `date_order`
(`day_first` or `month_first`: which of two formats that differ only in the order of day and
month wins; without it a value both read differently is quarantined as ambiguous, never guessed).

Everything in the file is data checked here before it reaches SQL: names must be safe column
names, formats use known codes only, globs stay inside the source's folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from orchestration.contracts import ENTITIES, SOURCES, Entity
from orchestration.identifiers import unsafe_column_name

ISO8601 = "iso8601"
DateOrder = Literal["day_first", "month_first"]
DATE_ORDERS = ("day_first", "month_first")
# strftime codes DuckDB's strptime and Python agree on; anything else is refused by name.
FORMAT_CODES = set("YmdHMSfzZbBypIjaAe%")
SAFE_GLOB = re.compile(r"[A-Za-z0-9_.*?\[\]\- /]+")


class MappingError(ValueError):
    """A mapping file is not valid; the message names the file and the field."""


@dataclass(frozen=True)
class EntityMapping:
    entity: Entity
    files: str  # glob under <LANDING_DIR>/<source>/
    columns: dict[str, str] = field(default_factory=dict)  # contract column -> export column
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str | None] = field(default_factory=dict)
    timestamp_formats: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def export_column(self, contract_column: str) -> str:
        return self.columns.get(contract_column, contract_column)

    @property
    def expected_columns(self) -> tuple[str, ...]:
        """The export's names of the contract columns a file must bring (not defaulted)."""
        return tuple(self.export_column(c) for c in self.entity.column_names if c not in self.defaults)

    @property
    def contract_of(self) -> dict[str, str]:
        """Export column -> contract column."""
        return {self.export_column(c): c for c in self.entity.column_names}


@dataclass(frozen=True)
class SourceMapping:
    source: str
    entities: dict[str, EntityMapping]
    timezone: str = "UTC"
    timestamp_formats: tuple[str, ...] = (ISO8601,)
    date_order: DateOrder | None = None
    path: Path | None = None  # the file it came from; None for the one-to-one default

    def formats_for(self, entity: str, column: str) -> tuple[str, ...]:
        """The formats a timestamp or date column is read with, in the order they are tried."""
        declared = self.entities[entity].timestamp_formats.get(column, self.timestamp_formats)
        return order_formats(declared, self.date_order)


def swapped_day_month(fmt: str) -> str:
    return fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")


def ambiguous_pairs(formats: tuple[str, ...]) -> list[tuple[str, str]]:
    """Pairs of formats that differ only in the order of day and month (`%d/%m/%Y`, `%m/%d/%Y`)."""
    pairs = []
    for i, first in enumerate(formats):
        for second in formats[i + 1 :]:
            if "%d" in first and "%m" in first and swapped_day_month(first) == second:
                pairs.append((first, second))
    return pairs


def is_day_first(fmt: str) -> bool:
    return fmt.find("%d") < fmt.find("%m")


def order_formats(formats: tuple[str, ...], date_order: DateOrder | None) -> tuple[str, ...]:
    """With a declared date order, the preferred one of each ambiguous pair is tried first."""
    if date_order is None:
        return formats
    ordered = list(formats)
    for first, second in ambiguous_pairs(formats):
        preferred = first if is_day_first(first) == (date_order == "day_first") else second
        other = second if preferred == first else first
        i, j = ordered.index(preferred), ordered.index(other)
        if i > j:
            ordered[i], ordered[j] = ordered[j], ordered[i]
    return tuple(ordered)


def default_entity_mapping(entity: Entity) -> EntityMapping:
    return EntityMapping(entity, f"{entity.name}/*.csv")


def default_mapping(source: str) -> SourceMapping:
    entities = {e.name: default_entity_mapping(e) for e in ENTITIES if e.source == source}
    return SourceMapping(source, entities)


# ------------------------------------------------------------------------------ validation
class _Reader:
    """Reads one YAML document, naming `file: field.path` in every error."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> MappingError:
        return MappingError(f"{self.path}: {where}: {problem}")

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise self.fail(where, "expected a mapping of names to values")
        return value

    def text(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, "expected a non-empty text")
        return value

    def column_name(self, value: Any, where: str) -> str:
        name = self.text(value, where)
        if (reason := unsafe_column_name(name)) is not None:
            raise self.fail(where, f"column name {name!r} {reason}")
        return name

    def formats(self, value: Any, where: str) -> tuple[str, ...]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            raise self.fail(where, "expected a format or a list of formats")
        formats = tuple(self.text(item, where) for item in items)
        for fmt in formats:
            if fmt == ISO8601:
                continue
            codes = re.findall(r"%(.)", fmt)
            unknown = sorted({c for c in codes if c not in FORMAT_CODES})
            if unknown:
                raise self.fail(where, f"format {fmt!r} uses unknown code(s) {', '.join('%' + c for c in unknown)}")
            if not codes:
                raise self.fail(where, f"format {fmt!r} has no strftime code (e.g. %Y-%m-%d)")
        return formats


def _read_entity(reader: _Reader, source: str, name: str, document: dict[str, Any]) -> EntityMapping:
    where = f"entities.{name}"
    known = {e.name: e for e in ENTITIES if e.source == source}
    if name not in known:
        raise reader.fail(where, f"no {source} entity {name!r} in the contract; known: {', '.join(known)}")
    entity = known[name]
    allowed = {"files", "columns", "values", "defaults", "timestamp_formats"}
    if unknown := sorted(set(document) - allowed):
        raise reader.fail(where, f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")

    def contract_column(column: Any, field_where: str) -> str:
        if column not in entity.column_names:
            raise reader.fail(
                field_where, f"{column!r} is not a column of {name}; its columns: {', '.join(entity.column_names)}"
            )
        return column

    files = reader.text(document.get("files", f"{name}/*.csv"), f"{where}.files")
    pure = PurePosixPath(files)
    if pure.is_absolute() or ".." in pure.parts or not SAFE_GLOB.fullmatch(files) or not files.endswith(".csv"):
        raise reader.fail(
            f"{where}.files",
            f"{files!r} must be a relative glob ending in .csv inside the source's folder "
            "(letters, digits, _ . - space / and the wildcards * ? [ ])",
        )
    columns = {}
    for column, export in reader.mapping(document.get("columns"), f"{where}.columns").items():
        columns[contract_column(column, f"{where}.columns.{column}")] = reader.column_name(
            export, f"{where}.columns.{column}"
        )
    exports = list(columns.values())
    if duplicated := sorted({c for c in exports if exports.count(c) > 1}):
        raise reader.fail(f"{where}.columns", f"export column(s) {', '.join(duplicated)} mapped twice")
    values: dict[str, dict[str, str]] = {}
    for column, synonyms in reader.mapping(document.get("values"), f"{where}.values").items():
        column_where = f"{where}.values.{column}"
        contract = entity.column(contract_column(column, column_where))
        table = reader.mapping(synonyms, column_where)
        for export_value, contract_value in table.items():
            if not isinstance(contract_value, str):
                raise reader.fail(f"{column_where}.{export_value}", "expected the contract's value as text")
            if contract.accepted_values and contract_value not in contract.accepted_values:
                raise reader.fail(
                    f"{column_where}.{export_value}",
                    f"{contract_value!r} is not an accepted value of {column}: {', '.join(contract.accepted_values)}",
                )
        values[column] = {str(k): v for k, v in table.items()}
    defaults: dict[str, str | None] = {}
    for column, value in reader.mapping(document.get("defaults"), f"{where}.defaults").items():
        contract = entity.column(contract_column(column, f"{where}.defaults.{column}"))
        if value is None and contract.required:
            raise reader.fail(f"{where}.defaults.{column}", f"{column} is required: its default cannot be empty")
        if column in entity.key:
            raise reader.fail(
                f"{where}.defaults.{column}", f"{column} is part of the key of {name}: it cannot be defaulted"
            )
        defaults[column] = None if value is None else str(value)
    timestamp_formats = {}
    for column, formats in reader.mapping(document.get("timestamp_formats"), f"{where}.timestamp_formats").items():
        contract = entity.column(contract_column(column, f"{where}.timestamp_formats.{column}"))
        if contract.type not in ("timestamp", "date"):
            raise reader.fail(
                f"{where}.timestamp_formats.{column}", f"{column} is {contract.type}, not a timestamp or date"
            )
        timestamp_formats[column] = reader.formats(formats, f"{where}.timestamp_formats.{column}")
    return EntityMapping(entity, files, columns, values, defaults, timestamp_formats)


def read_mapping(path: Path) -> SourceMapping:
    reader = _Reader(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise MappingError(f"{path}: not valid YAML: {error}") from None
    document = reader.mapping(document, "top level")
    allowed = {"source", "timezone", "timestamp_formats", "date_order", "entities"}
    if unknown := sorted(set(document) - allowed):
        raise reader.fail("top level", f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")
    source = reader.text(document.get("source", path.stem), "source")
    if source not in SOURCES:
        raise reader.fail("source", f"{source!r} is not a source system of the contract; known: {', '.join(SOURCES)}")
    timezone = reader.text(document.get("timezone", "UTC"), "timezone")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise reader.fail("timezone", f"{timezone!r} is not an IANA time zone (e.g. UTC, Europe/Madrid)") from None
    formats = reader.formats(document.get("timestamp_formats", [ISO8601]), "timestamp_formats")
    date_order = document.get("date_order")
    if date_order is not None and date_order not in DATE_ORDERS:
        raise reader.fail("date_order", f"{date_order!r}: expected one of {', '.join(DATE_ORDERS)}")
    entities = default_mapping(source).entities
    for name, entity_document in reader.mapping(document.get("entities"), "entities").items():
        entities[name] = _read_entity(reader, source, name, reader.mapping(entity_document, f"entities.{name}"))
    return SourceMapping(source, entities, timezone, formats, date_order, path)


def load_mappings(directory: Path | None) -> dict[str, SourceMapping]:
    """Every source's mapping: its file in `directory`, or the one-to-one default."""
    mappings = {source: default_mapping(source) for source in SOURCES}
    if directory is None or not directory.is_dir():
        return mappings
    for path in sorted(directory.glob("*.yml")):
        mapping = read_mapping(path)
        if mappings[mapping.source].path is not None:
            raise MappingError(f"{path}: source {mapping.source} is already mapped by {mappings[mapping.source].path}")
        mappings[mapping.source] = mapping
    return mappings
