"""One pass over a landing file's bytes: its checksum, its line count, and whether it is text.

The pass reads the file once in chunks (memory flat in file size) and finds what DuckDB's CSV
reader would otherwise report in its own words: bytes that are not UTF-8 (named by byte offset and
line) and a line longer than one CSV record may be (named by line number). The line count
estimates the rows of a file that is refused, which count as missing records.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

# DuckDB's default `max_line_size`; landing passes the same limit to read_csv.
MAX_LINE_BYTES = 2_097_152
CHUNK_BYTES = 1 << 20  # below MAX_LINE_BYTES, so only a chunk's first and last line can be too long
BOMS = {
    codecs.BOM_UTF16_LE: "UTF-16 (little-endian)",
    codecs.BOM_UTF16_BE: "UTF-16 (big-endian)",
}
UTF8_HINT = (
    "save it as UTF-8 (a spreadsheet's 'CSV UTF-8' export) or convert it, e.g. "
    "iconv -f WINDOWS-1252 -t UTF-8 in.csv > out.csv"
)


@dataclass(frozen=True)
class FileScan:
    checksum: str
    size: int
    lines: int  # physical lines; a last line without a newline counts
    problem: str | None  # why the file cannot be read as CSV text, or None

    @property
    def estimated_rows(self) -> int:
        """Data rows the file would hold: its lines less the header."""
        return max(self.lines - 1, 0)


def _not_utf8(offset: int, line: int, byte: int, first_bytes: bytes) -> str:
    for bom, encoding in BOMS.items():
        if first_bytes.startswith(bom):
            return f"not UTF-8 text: the file starts with a {encoding} byte-order mark; {UTF8_HINT}"
    guess = bytes([byte]).decode("cp1252", errors="replace")
    return (
        f"not UTF-8 text: byte 0x{byte:02X} at byte offset {offset} (line {line}) is not valid UTF-8 "
        f"(in Windows-1252 it would be {guess!r}); {UTF8_HINT}"
    )


def _too_long(line: int, length: int) -> str:
    return (
        f"line {line} exceeds the {MAX_LINE_BYTES:,}-byte limit for one CSV record ({length:,} bytes "
        "read without a line break: a file that is not line-separated CSV, or one huge value)"
    )


def scan(path: Path) -> FileScan:
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    size = lines = 0
    line_length = 0  # bytes of the line in progress
    problem: str | None = None
    first_bytes = b""
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK_BYTES), b""):
            digest.update(chunk)
            if not first_bytes:
                first_bytes = chunk[:4]
            if problem is None:
                carried = decoder.getstate()[0]  # a character split across the previous chunk
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as error:
                    data = carried + chunk
                    position = error.start - len(carried)
                    line = lines + chunk[: max(position, 0)].count(b"\n") + 1
                    problem = _not_utf8(size + position, line, data[error.start], first_bytes)
            first_newline, last_newline = chunk.find(b"\n"), chunk.rfind(b"\n")
            if problem is None:
                head = len(chunk) if first_newline < 0 else first_newline
                if line_length + head > MAX_LINE_BYTES:
                    problem = _too_long(lines + 1, line_length + head)
            newlines = chunk.count(b"\n")
            if first_newline < 0:
                line_length += len(chunk)
            else:
                line_length = len(chunk) - last_newline - 1
            lines += newlines
            size += len(chunk)
    if problem is None and line_length > MAX_LINE_BYTES:
        problem = _too_long(lines + 1, line_length)
    if problem is None:
        carried = decoder.getstate()[0]
        if carried:  # the file ends inside a character
            problem = _not_utf8(size - len(carried), lines + 1, carried[0], first_bytes)
    if line_length:
        lines += 1
    return FileScan(digest.hexdigest(), size, lines, problem)
