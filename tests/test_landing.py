"""Landing: idempotent, a malformed file fails alone with a clear message, schema drift is kept."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.contracts import ENTITIES, entity
from orchestration.landing import land, loader
from orchestration.landing.checks import FileRejected, check_header
from orchestration.mapping import default_entity_mapping

INSTRUCTORS_HEADER = "instructor_id,instructor_name,country_code,joined_at,status"
INSTRUCTOR_ROWS = [
    "1,Ada Lovelace,GB,2025-01-02T10:00:00+00:00,active",
    "2,Grace Hopper,US,2025-02-03T11:30:00-05:00,active",
    "3,Alan Turing,GB,2025-03-04T09:15:00+00:00,closed",
]
REVIEWS_HEADER = "review_id,course_id,student_id,rating,reviewed_at"


def write(landing: Path, relative: str, lines: list[str]) -> Path:
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    directory = tmp_path / "landing"
    write(
        directory,
        "marketplace/instructors/instructors_2026-11-01.csv",
        [INSTRUCTORS_HEADER, *INSTRUCTOR_ROWS],
    )
    write(
        directory,
        "marketplace/reviews/reviews_2026-10.csv",
        [REVIEWS_HEADER, "10,5,7,5,2026-10-01T08:00:00+00:00", "11,5,8,4,2026-10-02T08:00:00+00:00"],
    )
    return directory


def test_lands_rows_as_text_with_lineage(landing: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    report = land(landing, warehouse)

    assert [r.status for r in report.results] == ["loaded", "loaded"]
    assert report.raw_rows["instructors"] == 3
    rows = query(
        warehouse,
        "select instructor_id, joined_at, _source_file, _row_number, _batch_id is not null, "
        "_loaded_at is not null from raw.instructors order by _row_number",
    )
    assert rows[1] == (
        "2",
        "2025-02-03T11:30:00-05:00",
        "marketplace/instructors/instructors_2026-11-01.csv",
        2,
        True,
        True,
    )
    # every contract entity has a raw table, even without files, so dbt sources resolve
    tables = {r[0] for r in query(warehouse, "select table_name from duckdb_tables() where schema_name = 'raw'")}
    assert {e.name for e in ENTITIES} | {"load_ledger"} <= tables


def test_landing_twice_loads_each_file_once(landing: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    land(landing, warehouse)
    second = land(landing, warehouse)

    assert [r.status for r in second.results] == ["skipped", "skipped"]
    assert second.raw_rows["instructors"] == 3
    assert query(warehouse, "select count(*), count(distinct batch_id) from raw.load_ledger") == [(2, 2)]


def test_changed_file_is_a_new_batch_and_raw_keeps_both_versions(landing: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    land(landing, warehouse)
    write(
        landing,
        "marketplace/instructors/instructors_2026-11-01.csv",
        [INSTRUCTORS_HEADER, *INSTRUCTOR_ROWS, "4,Edsger Dijkstra,NL,2025-04-05T10:00:00+02:00,active"],
    )
    report = land(landing, warehouse)

    assert [r.status for r in report.results] == ["loaded", "skipped"]
    assert report.raw_rows["instructors"] == 7
    assert query(warehouse, "select count(distinct _batch_id) from raw.instructors") == [(2,)]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            [INSTRUCTORS_HEADER.replace(",", ";"), "1;Ada;GB;2025-01-02T10:00:00+00:00;active"],
            "wrong delimiter: the header is ';'-separated",
        ),
        (
            [INSTRUCTORS_HEADER, INSTRUCTOR_ROWS[0], "2,Grace Hop"],
            "malformed CSV",
        ),
        (
            ["id,name,country,joined,state", "1,Ada,GB,2025-01-02,active"],
            "missing column(s) instructor_id, instructor_name, country_code, joined_at, status; "
            "it has unknown column(s) id, name, country, joined, state",
        ),
        ([""], "empty file: no header row"),
    ],
    ids=["wrong-delimiter", "truncated", "unknown-columns", "empty"],
)
def test_malformed_file_fails_alone_with_a_clear_message(
    landing: Path, tmp_path: Path, lines: list[str], message: str
) -> None:
    bad = "marketplace/instructors/instructors_2026-11-02.csv"
    write(landing, bad, lines)
    warehouse = tmp_path / "wh.duckdb"

    report = land(landing, warehouse)

    by_file = {r.file: r for r in report.results}
    assert by_file[bad].status == "failed"
    assert by_file[bad].error.startswith(f"{bad}: ")
    assert message in by_file[bad].error
    # the other files still load, and nothing of the bad file reaches raw
    assert by_file["marketplace/instructors/instructors_2026-11-01.csv"].status == "loaded"
    assert by_file["marketplace/reviews/reviews_2026-10.csv"].status == "loaded"
    assert query(warehouse, f"select count(*) from raw.instructors where _source_file = '{bad}'") == [(0,)]
    ledger = query(warehouse, f"select status, error, rows_loaded from raw.load_ledger where file_path = '{bad}'")
    assert ledger == [("failed", by_file[bad].error, 0)]


def test_a_column_of_bad_values_lands_row_by_row_not_refused(landing: Path, tmp_path: Path) -> None:
    # refusal is proportionate: the file can be read as instructors, so staging judges each row
    rows = [f"{i},Name {i},GB,not a time,active" for i in range(30, 34)]
    write(landing, "marketplace/instructors/instructors_2026-11-04.csv", [INSTRUCTORS_HEADER, *rows])

    report = land(landing, tmp_path / "wh.duckdb")

    assert not report.failed and report.raw_rows["instructors"] == 7


def test_single_bad_values_are_landed_as_they_arrived(landing: Path, tmp_path: Path) -> None:
    rows = [f"{i},Name {i},GB,2025-01-02T10:00:00+00:00,active" for i in range(10, 20)]
    write(
        landing,
        "marketplace/instructors/instructors_2026-11-03.csv",
        [INSTRUCTORS_HEADER, *rows, "20,Bad,GB,yesterday,unknown_status"],
    )
    warehouse = tmp_path / "wh.duckdb"

    land(landing, warehouse)

    assert query(warehouse, "select joined_at, status from raw.instructors where instructor_id = '20'") == [
        ("yesterday", "unknown_status")
    ]


def test_new_columns_are_kept(landing: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    land(landing, warehouse)
    write(
        landing,
        "marketplace/reviews/reviews_2026-11.csv",
        [REVIEWS_HEADER + ",review_title", "12,5,9,3,2026-11-01T08:00:00+00:00,Too fast"],
    )

    report = land(landing, warehouse)

    loaded = [r for r in report.results if r.status == "loaded"]
    assert [(r.file, r.new_columns) for r in loaded] == [
        ("marketplace/reviews/reviews_2026-11.csv", ("review_title",))
    ]
    assert query(warehouse, "select review_id, review_title from raw.reviews order by review_id") == [
        ("10", None),
        ("11", None),
        ("12", "Too fast"),
    ]
    assert query(warehouse, "select new_columns from raw.load_ledger where file_path like '%2026-11.csv'") == [
        ("review_title",)
    ]


def test_unknown_entity_folder_is_recorded_as_failed(landing: Path, tmp_path: Path) -> None:
    write(landing, "marketplace/coupons/coupons_2026-11-01.csv", ["coupon_code", "SALE"])

    report = land(landing, tmp_path / "wh.duckdb")

    failed = report.failed
    assert len(failed) == 1
    assert "no file pattern of the marketplace mapping matches 'coupons/coupons_2026-11-01.csv'" in failed[0].error
    assert failed[0].estimated_rows == 1


def test_underscore_folders_are_not_data(landing: Path, tmp_path: Path) -> None:
    write(landing, "_manifest/defects/defects.csv", ["entity,row_number"])

    report = land(landing, tmp_path / "wh.duckdb")

    assert all(not r.file.startswith("_") for r in report.results)


def test_missing_landing_dir_names_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does-not-exist"):
        land(tmp_path / "does-not-exist", tmp_path / "wh.duckdb")


def test_header_check_accepts_contract_columns_in_any_order() -> None:
    header = ",".join(reversed(INSTRUCTORS_HEADER.split(",")))
    assert check_header(header, default_entity_mapping(entity("instructors"))).new_columns == ()
    with pytest.raises(FileRejected, match="repeats column"):
        check_header(INSTRUCTORS_HEADER + ",status", default_entity_mapping(entity("instructors")))


def _batches_landed(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The files of each batch that landed with one read (filled as land runs)."""
    landed: list[list[str]] = []
    land_group = loader._land_group

    def spy(
        con: duckdb.DuckDBPyConnection, run_id: str, batch: list[loader.Pending], loaded_at: datetime
    ) -> list[loader.FileOutcome] | None:
        outcomes = land_group(con, run_id, batch, loaded_at)
        if outcomes is not None:
            landed.append([item.landing_file.relative_path for item in batch])
        return outcomes

    monkeypatch.setattr(loader, "_land_group", spy)
    return landed


RAW_LINEAGE = "select * exclude (_batch_id, _loaded_at) from raw.{table} order by _source_file, _row_number"


def _lineage(warehouse: Path, table: str) -> tuple[list[tuple], list[tuple]]:
    """raw's rows (less the run's own ids) and per file its batch and rows as the ledger has them."""
    rows = query(warehouse, RAW_LINEAGE.format(table=table))
    batches = query(
        warehouse,
        f"select r._source_file, count(*), count(distinct r._batch_id), any_value(l.status), "
        f"any_value(l.rows_loaded), count(distinct r._loaded_at) from raw.{table} as r "
        "join raw.load_ledger as l on l.batch_id = r._batch_id group by 1 order by 1",
    )
    return rows, batches


def test_files_with_one_header_land_in_one_read_with_each_files_lineage(
    landing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = "marketplace/instructors"
    for day in ("02", "03"):  # same bytes as the fixture's file: two checksums alike in one batch
        write(landing, f"{folder}/instructors_2026-11-{day}.csv", [INSTRUCTORS_HEADER, *INSTRUCTOR_ROWS])
    write(landing, f"{folder}/instructors_2026-11-04[x].csv", [INSTRUCTORS_HEADER, '7,"Multi\nLine",GB,x,active'])
    write(landing, f"{folder}/instructors_2026-11-05.csv", [INSTRUCTORS_HEADER])  # header only: no rows
    (landing / f"{folder}/instructors_2026-11-06.csv").write_bytes(
        b"\xef\xbb\xbf" + f"{INSTRUCTORS_HEADER}\r\n8,Bom Crlf,GB,y,active\r\n".encode()
    )
    write(landing, f"{folder}/instructors_2026-11-07.csv", [INSTRUCTORS_HEADER + ",tier", "9,Drift,GB,z,active,gold"])
    write(landing, f"{folder}/instructors_2026-11-08.csv", [INSTRUCTORS_HEADER + ",tier", "10,Drift,GB,z,active,"])
    batched = _batches_landed(monkeypatch)
    grouped = land(landing, tmp_path / "grouped.duckdb")
    monkeypatch.setattr(loader, "_groupable_header", lambda *_: None)  # every file through land_file
    alone = land(landing, tmp_path / "alone.duckdb")

    assert [len(b) for b in batched] == [6, 2, 1]  # one batch per header; the reviews file, a batch of its own
    assert [(r.file, r.status, r.rows, r.new_columns) for r in grouped.results] == [
        (r.file, r.status, r.rows, r.new_columns) for r in alone.results
    ]
    assert [r.rows for r in grouped.results if r.file.startswith(folder)] == [3, 3, 3, 1, 0, 1, 1, 1]
    for table in ("instructors", "reviews"):
        assert _lineage(tmp_path / "grouped.duckdb", table) == _lineage(tmp_path / "alone.duckdb", table)
    # a run's batch ids follow the files' order (staging orders a run's batches by them)
    ledger = query(tmp_path / "grouped.duckdb", "select file_path from raw.load_ledger order by batch_id")
    assert [f for (f,) in ledger] == [r.file for r in grouped.results]


def test_a_bad_file_in_a_batch_fails_alone_and_the_others_land(
    landing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = "marketplace/instructors"
    bad = f"{folder}/instructors_2026-11-02.csv"
    write(landing, bad, [INSTRUCTORS_HEADER, INSTRUCTOR_ROWS[0], "2,Grace Hop"])
    write(landing, f"{folder}/instructors_2026-11-03.csv", [INSTRUCTORS_HEADER, "4,Edsger Dijkstra,NL,x,active"])
    batched = _batches_landed(monkeypatch)
    warehouse = tmp_path / "wh.duckdb"

    report = land(landing, warehouse)

    # the instructors batch failed, so its files were landed one by one; the reviews file's landed
    assert batched == [["marketplace/reviews/reviews_2026-10.csv"]]
    by_file = {r.file: r for r in report.results}
    assert by_file[bad].status == "failed"
    assert by_file[bad].error.startswith(f"{bad}: malformed CSV")
    assert [by_file[f"{folder}/instructors_2026-11-0{d}.csv"].rows for d in (1, 3)] == [3, 1]
    assert query(warehouse, "select _source_file, count(*) from raw.instructors group by 1 order by 1") == [
        (f"{folder}/instructors_2026-11-01.csv", 3),
        (f"{folder}/instructors_2026-11-03.csv", 1),
    ]
    assert query(warehouse, f"select status, error from raw.load_ledger where file_path = '{bad}'") == [
        ("failed", by_file[bad].error)
    ]
    # a rerun tries the refused file again, alone, and records nothing new
    again = land(landing, warehouse)
    assert [(r.file, r.status, r.unchanged) for r in again.results if r.status != "skipped"] == [
        (bad, "failed", True)
    ]
    assert query(warehouse, "select count(*) from raw.load_ledger") == [(4,)]


def test_row_numbers_are_each_files_rows_in_file_order_in_a_batch(
    landing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = "marketplace/instructors"
    expected: dict[str, list[str]] = {}
    for day in ("02", "03", "04"):
        relative = f"{folder}/instructors_2026-11-{day}.csv"
        ids = [f"{day}-{row}" for row in range(1, 20_001)]
        # every seventh name spans two lines: a row number counts rows, not lines
        names = [f'"Name\n{n}"' if n % 7 == 0 else f"Name {n}" for n in range(1, len(ids) + 1)]
        lines = [f"{i},{name},GB,x,active" for i, name in zip(ids, names, strict=True)]
        write(landing, relative, [INSTRUCTORS_HEADER, *lines])
        expected[relative] = ids
    batched = _batches_landed(monkeypatch)

    land(landing, tmp_path / "wh.duckdb")

    assert any(set(expected) <= set(b) for b in batched)  # the three files landed in one batch
    for relative, ids in expected.items():
        rows = query(
            tmp_path / "wh.duckdb",
            f"select _row_number, instructor_id from raw.instructors where _source_file = '{relative}' "
            "order by _row_number",
        )
        assert rows == list(enumerate(ids, start=1))
