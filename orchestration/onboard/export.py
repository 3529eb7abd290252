"""Read an unknown export: find its CSV files, read each header, load each file's rows with DuckDB.

Everything read from the files is data: a header name is never put into SQL. DuckDB reads the
rows under names of our own making (`c1`, `c2`, ... by position, every column as text), through
a link with a plain name (a file name's `*`, `[` or `'` would otherwise be read as a glob or
quote), and the header's names are kept beside them for the report.
"""

from __future__ import annotations

import csv
import io
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import duckdb

from orchestration.contracts import SOURCES
from orchestration.landing.scan import MAX_LINE_BYTES, scan

OTHER_DELIMITERS = (";", "\t", "|")
ROWS_TABLE = "export_rows"


@dataclass(frozen=True)
class ExportFile:
    path: Path
    relative: str  # to the export dir, forward slashes
    source: str | None  # the source folder it sits in, when the export is laid out like LANDING_DIR
    inside: str  # relative to the source folder (or to the export dir): what a `files` glob matches
    problem: str | None = None  # why landing would not take it as it is (a link, a `.CSV` suffix)
    link: bool = False  # a symbolic link: never followed, so never read


def is_landing_layout(directory: Path) -> bool:
    """The export is laid out like LANDING_DIR: its top-level folders are source systems."""
    folders = [
        e.name
        for e in directory.iterdir()
        if e.is_dir() and not e.is_symlink() and not e.name.startswith((".", "_"))
    ]
    return bool(folders) and all(f in SOURCES for f in folders)


def _walk(directory: Path) -> Iterator[tuple[Path, str | None, bool]]:
    with os.scandir(directory) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name.startswith((".", "_")):
                continue  # editors' files and manifests, as landing skips them
            if entry.is_symlink():
                if entry.name.lower().endswith(".csv"):
                    yield Path(entry.path), "is a symbolic link: landing refuses links, copy the file instead", True
                continue
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(Path(entry.path))
            elif entry.name.lower().endswith(".csv") and stat.S_ISREG(entry.stat(follow_symlinks=False).st_mode):
                problem = None
                if not entry.name.endswith(".csv"):
                    problem = "ends in a capitalized .CSV: landing reads only '.csv' files, rename it"
                yield Path(entry.path), problem, False


def find_files(directory: Path) -> list[ExportFile]:
    """Every CSV file under `directory`, never following links."""
    if not directory.is_dir():
        raise FileNotFoundError(f"export directory {directory} does not exist")
    layout = is_landing_layout(directory)
    files = []
    for path, problem, link in _walk(directory):
        relative = PurePosixPath(path.relative_to(directory).as_posix())
        source = relative.parts[0] if layout and len(relative.parts) > 1 else None
        inside = PurePosixPath(*relative.parts[1:]).as_posix() if source else relative.as_posix()
        files.append(ExportFile(path, relative.as_posix(), source, inside, problem, link))
    return files


@dataclass(frozen=True)
class Header:
    columns: tuple[str, ...]  # as written, stripped (landing strips them too)
    delimiter: str
    problem: str | None  # why landing refuses the file whatever the mapping says, or None


def parse_header(line: str) -> Header:
    """The header line's column names and delimiter: a comma unless the line has one column and
    another delimiter splits it (landing reads commas only, so that is a problem to report)."""
    line = line.removeprefix("\ufeff").rstrip("\r\n")
    if not line.strip():
        return Header((), ",", "empty file: no header row")
    columns = next(csv.reader(io.StringIO(line)))
    if len(columns) == 1:
        for delimiter in OTHER_DELIMITERS:
            if delimiter in columns[0]:
                split = next(csv.reader(io.StringIO(line), delimiter=delimiter))
                return Header(
                    tuple(c.strip() for c in split),
                    delimiter,
                    f"{delimiter!r}-separated: landing reads comma-separated files only; re-export or convert it",
                )
    return Header(tuple(c.strip() for c in columns), ",", None)


def read_header(path: Path) -> Header:
    file_scan = scan(path)  # landing's own check: not UTF-8, an overlong line
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = parse_header(handle.readline(MAX_LINE_BYTES))
    except UnicodeDecodeError:
        return Header((), ",", file_scan.problem or "not UTF-8 text")
    if file_scan.problem:
        return Header(header.columns, header.delimiter, file_scan.problem)
    return header


def position_name(position: int) -> str:
    """The SQL name of the export's column at 1-based `position` in ROWS_TABLE."""
    return f"c{position}"


@contextmanager
def _plain_name(path: Path) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="onboard-") as directory:
        alias = Path(directory) / "file.csv"
        alias.symlink_to(path.resolve())
        yield alias


class UnreadableFile(Exception):
    """DuckDB cannot read the file as CSV; the message says why."""


def load_rows(con: duckdb.DuckDBPyConnection, path: Path, header: Header) -> int:
    """Replace ROWS_TABLE with the file's rows, every column text under its position name."""
    names = [position_name(i) for i in range(1, len(header.columns) + 1)]
    with _plain_name(path) as readable:
        try:
            con.execute(
                f"""
                create or replace temp table {ROWS_TABLE} as
                select * from read_csv(
                    $path, header = true, all_varchar = true, delim = $delim, quote = '"', escape = '"',
                    names = $names, null_padding = true, max_line_size = {MAX_LINE_BYTES}
                )
                """,
                {"path": str(readable), "delim": header.delimiter, "names": names},
            )
        except duckdb.Error as error:
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise UnreadableFile(first_line.replace(str(readable), path.name)) from None
    row = con.execute(f"select count(*) from {ROWS_TABLE}").fetchone()
    return row[0] if row else 0
