"""Landing that no file can break: hostile headers, encodings, links, long lines, odd names.

Every case lands next to a good file and must fail alone, named, with a ledger row, while the
good file still lands.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import duckdb
import pytest

from orchestration.contracts import entity
from orchestration.identifiers import unsafe_column_name
from orchestration.landing import land
from orchestration.landing.checks import FileRejected, check_header
from orchestration.landing.loader import LINEAGE_COLUMNS
from orchestration.landing.scan import MAX_LINE_BYTES, scan
from orchestration.mapping import default_entity_mapping

HEADER = "instructor_id,instructor_name,country_code,joined_at,status"
ROW = "1,Ada Lovelace,GB,2025-01-02T10:00:00+00:00,active"
GOOD = "marketplace/instructors/good.csv"


def write_bytes(landing: Path, relative: str, data: bytes) -> Path:
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def query(warehouse: Path, sql: str, parameters: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, parameters or []).fetchall()


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    directory = tmp_path / "landing"
    write_bytes(directory, GOOD, f"{HEADER}\n{ROW}\n".encode())
    return directory


def land_one(landing: Path, tmp_path: Path, relative: str, data: bytes):
    write_bytes(landing, relative, data)
    warehouse = tmp_path / "wh.duckdb"
    report = land(landing, warehouse)
    by_file = {r.file: r for r in report.results}
    assert by_file[GOOD].status == "loaded", by_file[GOOD]
    return by_file[relative], warehouse


HOSTILE_HEADERS = {
    "sql-in-quoted-name": '"x"" varchar); copy (select 1) to \'/tmp/pwned.csv\'; --"',
    "lineage-loaded-at": "_loaded_at",
    "lineage-row-number": "_row_number",
    "semicolon": "a;drop table raw.orders",
    "space": "review title",
    "starts-with-digit": "1st_column",
    "non-ascii-lookalike": "stаtus_2",  # Cyrillic a
    "too-long": "c" * 64,
}


@pytest.mark.parametrize("extra", HOSTILE_HEADERS.values(), ids=HOSTILE_HEADERS.keys())
def test_a_hostile_header_refuses_the_file_naming_column_and_rule(
    landing: Path, tmp_path: Path, extra: str
) -> None:
    relative = "marketplace/instructors/a_hostile.csv"  # lands before the good file
    result, warehouse = land_one(landing, tmp_path, relative, f"{HEADER},{extra}\n{ROW},x\n".encode())

    assert result.status == "failed"
    assert result.error.startswith(f"{relative}: header column 6 ")
    assert "starts with '_', which is reserved" in result.error or "column-name rule" in result.error
    # nothing of it reached raw: no new column, no row
    columns = query(warehouse, "select column_name from information_schema.columns where table_name = 'instructors'")
    assert {c for (c,) in columns} == {*HEADER.split(","), *LINEAGE_COLUMNS}
    assert query(warehouse, "select count(*) from raw.instructors") == [(1,)]
    assert query(warehouse, "select status from raw.load_ledger where file_path = ?", [relative]) == [("failed",)]


def test_column_name_rule() -> None:
    assert unsafe_column_name("review_title") is None
    assert unsafe_column_name("userId") is None
    assert "reserved" in unsafe_column_name("_batch_id")
    assert "column-name rule" in unsafe_column_name('a"b')
    with pytest.raises(FileRejected, match="differ only in case: review_title and Review_Title"):
        check_header(
            "review_id,course_id,student_id,rating,reviewed_at,review_title,Review_Title",
            default_entity_mapping(entity("reviews")),
        )


def test_a_refused_name_is_echoed_cut_short(landing: Path, tmp_path: Path) -> None:
    secret = "root:x:0:0:root:/root:/bin/bash" * 10
    result, _ = land_one(landing, tmp_path, "marketplace/instructors/a.csv", f"{HEADER},{secret}\n".encode())
    assert secret not in result.error and "(310 characters)" in result.error


def test_bom_and_crlf_are_accepted(landing: Path, tmp_path: Path) -> None:
    data = codecs.BOM_UTF8 + f"{HEADER}\r\n2,Grace Hopper,US,2025-02-03T11:30:00-05:00,active\r\n".encode()
    result, warehouse = land_one(landing, tmp_path, "marketplace/instructors/bom.csv", data)

    assert result.status == "loaded" and result.rows == 1
    assert query(
        warehouse, "select instructor_id, status from raw.instructors where instructor_name = 'Grace Hopper'"
    ) == [("2", "active")]


def test_non_utf8_is_refused_with_byte_offset_and_hint(landing: Path, tmp_path: Path) -> None:
    data = f"{HEADER}\n{ROW}\n".encode() + "2,José,ES,2025-02-03T11:30:00Z,active\n".encode("cp1252")
    result, _ = land_one(landing, tmp_path, "marketplace/instructors/latin1.csv", data)

    offset = data.index(b"\xe9")
    assert result.status == "failed"
    assert f"byte 0xE9 at byte offset {offset} (line 3) is not valid UTF-8" in result.error
    assert "'é'" in result.error and "CSV UTF-8" in result.error


def test_utf16_is_refused_naming_the_encoding(landing: Path, tmp_path: Path) -> None:
    data = f"{HEADER}\n{ROW}\n".encode("utf-16")
    result, _ = land_one(landing, tmp_path, "marketplace/instructors/utf16.csv", data)
    assert "UTF-16 (little-endian) byte-order mark" in result.error


def test_an_overlong_line_is_refused_with_its_line_number(landing: Path, tmp_path: Path) -> None:
    long_name = "n" * (MAX_LINE_BYTES + 10)
    data = f"{HEADER}\n{ROW}\n2,{long_name},GB,2025-01-02T10:00:00Z,active\n{ROW}\n".encode()
    result, warehouse = land_one(landing, tmp_path, "marketplace/instructors/long.csv", data)

    assert result.status == "failed"
    assert f"line 3 exceeds the {MAX_LINE_BYTES:,}-byte limit for one CSV record" in result.error
    assert query(warehouse, "select estimated_rows from raw.load_ledger where status = 'failed'") == [(3,)]


def test_scan_finds_a_long_line_across_chunks_and_counts_lines(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"h\n" + b"x" * (MAX_LINE_BYTES + 1) + b"\nlast")
    result = scan(path)
    assert result.lines == 3 and result.estimated_rows == 2
    assert result.problem.startswith("line 2 exceeds")
    path.write_bytes(b"h\n" + "é".encode() * (MAX_LINE_BYTES // 4) + b"\n")  # a character split across chunks
    assert scan(path).problem is None


def test_links_are_refused_and_never_followed(landing: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.csv").write_text("top-secret-first-line\n1\n")
    (landing / "marketplace/instructors/link.csv").symlink_to(outside / "secret.csv")
    (landing / "marketplace/reviews").symlink_to(outside, target_is_directory=True)
    warehouse = tmp_path / "wh.duckdb"

    report = land(landing, warehouse)

    by_file = {r.file: r for r in report.results}
    assert by_file[GOOD].status == "loaded"
    for name in ("marketplace/instructors/link.csv", "marketplace/reviews"):
        assert by_file[name].status == "failed"
        assert "is a symbolic link" in by_file[name].error
    assert not any("top-secret" in (r.error or "") for r in report.results)
    assert query(warehouse, "select count(*) from raw.load_ledger where error like '%top-secret%'") == [(0,)]


def test_a_file_name_with_glob_characters_reads_that_file_only(landing: Path, tmp_path: Path) -> None:
    write_bytes(
        landing, "marketplace/instructors/goo.csv", f"{HEADER}\n9,Other,GB,2025-01-02T10:00:00Z,active\n".encode()
    )
    result, warehouse = land_one(
        landing,
        tmp_path,
        "marketplace/instructors/goo[d].csv",
        f"{HEADER}\n5,Bracket,GB,2025-01-02T10:00:00Z,active\n".encode(),
    )
    assert result.status == "loaded" and result.rows == 1
    assert query(warehouse, "select instructor_id from raw.instructors where _source_file like '%[d]%'") == [("5",)]


def test_a_refused_file_is_recorded_once_and_listed_as_missing(landing: Path, tmp_path: Path) -> None:
    relative = "marketplace/instructors/bad.csv"
    write_bytes(landing, relative, b"id;name\n1;x\n2;y\n")
    warehouse = tmp_path / "wh.duckdb"

    first, second = land(landing, warehouse), land(landing, warehouse)

    assert [r.status for r in first.failed] == ["failed"] and not first.failed[0].unchanged
    assert [r.unchanged for r in second.failed] == [True]
    assert query(warehouse, "select count(*) from raw.load_ledger where file_path = ?", [relative]) == [(1,)]
    assert query(warehouse, "select file_path, status, estimated_rows from raw.landing_inventory order by 1") == [
        (relative, "failed", 2),
        (GOOD, "loaded", 0),
    ]
    # fixed: the new version loads, and the inventory no longer lists a refused file
    write_bytes(landing, relative, f"{HEADER}\n{ROW}\n".encode())
    land(landing, warehouse)
    assert query(warehouse, "select status from raw.landing_inventory where file_path = ?", [relative]) == [("loaded",)]
    # removed: it leaves the inventory
    (landing / relative).unlink()
    land(landing, warehouse)
    assert query(warehouse, "select count(*) from raw.landing_inventory where file_path = ?", [relative]) == [(0,)]


def test_an_unsafe_column_already_in_raw_stops_landing_naming_it(landing: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    land(landing, warehouse)
    with duckdb.connect(str(warehouse)) as con:  # as an older version of landing let it in
        con.execute('alter table raw.instructors add column "x"" y" varchar')

    with pytest.raises(Exception, match=r"raw.instructors column 'x\" y'"):
        land(landing, warehouse)


def test_set_aside_keeps_who_when_why_and_stops_counting_the_file(landing: Path, tmp_path: Path) -> None:
    from orchestration.landing.set_aside import SetAsideError, set_aside

    relative = "marketplace/instructors/bad.csv"
    write_bytes(landing, relative, b"id;name\n1;x\n")
    warehouse = tmp_path / "wh.duckdb"
    with pytest.raises(SetAsideError, match="not been landed"):
        set_aside(warehouse, landing, relative, "legacy export", "ana")
    land(landing, warehouse)
    with pytest.raises(SetAsideError, match="is not refused: this version of it is loaded"):
        set_aside(warehouse, landing, GOOD, "no", "ana")
    with pytest.raises(SetAsideError, match="--reason"):
        set_aside(warehouse, landing, relative, " ", "ana")

    done = set_aside(warehouse, landing, relative, "legacy export, superseded by good.csv", "ana")
    again = land(landing, warehouse)

    assert [r.status for r in again.results if r.file == relative] == ["set_aside"]
    assert not again.failed
    assert query(
        warehouse,
        "select status, set_aside_by, set_aside_reason, finished_at is not null from raw.load_ledger "
        "where file_path = ? order by finished_at",
        [relative],
    ) == [("failed", None, None, True), ("set_aside", "ana", "legacy export, superseded by good.csv", True)]
    assert query(warehouse, "select status, batch_id from raw.landing_inventory where file_path = ?", [relative]) == [
        ("set_aside", done.batch_id)
    ]
    # a changed version is tried again
    write_bytes(landing, relative, b"id;name\n1;y\n")
    assert [r.file for r in land(landing, warehouse).failed] == [relative]
