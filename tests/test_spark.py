"""orchestration/spark and macros/spark: the pure parts of `make spark-check` (comparison, Java, formats)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.spark.compare import compare_relations, normalized_expression, row_differences, values_equal


def test_numbers_compare_as_doubles_and_timestamps_as_naive_utc() -> None:
    assert normalized_expression("paid_usd", "DECIMAL(38,2)") == 'cast("paid_usd" as double)'
    assert normalized_expression("orders", "BIGINT") == 'cast("orders" as double)'
    assert normalized_expression("at", "TIMESTAMP WITH TIME ZONE") == "timezone('UTC', \"at\")"
    assert normalized_expression("at", "TIMESTAMP") == 'cast("at" as timestamp)'
    assert normalized_expression("day", "DATE") == '"day"'
    assert normalized_expression("name", "VARCHAR") == 'cast("name" as varchar)'
    assert normalized_expression('odd"name', "VARCHAR") == 'cast("odd""name" as varchar)'


def test_doubles_are_equal_within_a_relative_tolerance_only() -> None:
    assert values_equal(0.1 + 0.2, 0.3)
    assert values_equal(1e12 + 0.0001, 1e12)
    assert not values_equal(10.123611111111112, 10.1236111)  # a decimal quotient cut to 7 digits
    assert values_equal(None, None) and not values_equal(None, 0.0) and not values_equal(0, None)
    assert values_equal(float("nan"), float("nan"))
    assert not values_equal("101", "102")


def test_row_differences_name_the_row_and_the_columns() -> None:
    found = row_differences(["id", "amount"], [("a", 1.0), ("b", 2.0)], [("a", 1.0), ("b", 2.5)])
    assert found == ["row 2: amount: 2.0 <> 2.5"]


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute(
        "create table duck as select * from (values "
        "('a', 12.50::decimal(38,2), timestamp '2026-01-01 10:00:00', 3::bigint), "
        "('b', 0.10::decimal(38,2), timestamp '2026-01-02 00:00:00', null)) t(id, usd, seen_at, n)"
    )
    return con


def test_equal_tables_from_two_engines_compare_equal_whatever_their_types(con: duckdb.DuckDBPyConnection) -> None:
    # Spark's side: other types (a double, an instant, an int), rows in another order
    con.execute(
        "create table spark as select * from (values "
        "('b', 0.1::double, timestamptz '2026-01-02 00:00:00+00', null::integer), "
        "('a', 12.5::double, timestamptz '2026-01-01 12:00:00+02', 3::integer)) t(ID, usd, seen_at, n)"
    )
    comparison = compare_relations(con, "t", "duck", "spark")
    assert comparison.equal, comparison
    assert comparison.rows == (2, 2)


def test_the_stamp_of_the_run_that_wrote_a_row_is_left_out(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create table stamped as select *, timestamp '2026-01-03 08:00:00' as _written_at from duck")
    con.execute(
        "create table restamped as select * replace (timestamp '2026-01-04 09:00:00' as _written_at) from stamped"
    )
    assert compare_relations(con, "t", "stamped", "restamped").equal
    con.execute("create table unstamped as select * exclude (_written_at) from stamped")
    assert compare_relations(con, "t", "stamped", "unstamped").equal
    con.execute("create table changed_too as select * replace (n + 1 as n) from restamped")
    assert not compare_relations(con, "t", "stamped", "changed_too").equal


def test_a_changed_value_a_missing_row_and_a_missing_column_are_reported(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create table changed as select id, usd + 0.01 as usd, seen_at, n from duck")
    changed = compare_relations(con, "t", "duck", "changed")
    assert not changed.equal and changed.differences[0].startswith("row 1: usd: 12.5 <> 12.51")

    con.execute("create table fewer as select * from duck where id = 'a'")
    fewer = compare_relations(con, "t", "duck", "fewer")
    assert not fewer.equal and fewer.rows == (2, 1)

    con.execute("create table narrower as select id, usd, seen_at from duck")
    narrower = compare_relations(con, "t", "duck", "narrower")
    assert not narrower.equal and narrower.missing_columns == ("n",)


def test_the_java_version_spark_needs_is_read_from_java_version() -> None:
    from orchestration.spark.check import java_major_version

    assert java_major_version('openjdk version "17.0.9" 2023-10-17') == 17
    assert java_major_version('openjdk version "25" 2025-09-16') == 25
    assert java_major_version('java version "1.8.0_392"') == 8
    assert java_major_version("bash: java: command not found") is None


class _Returned(Exception):
    """dbt's `return()` inside a macro, outside dbt."""

    def __init__(self, value: str) -> None:
        self.value = value


def _spark_datetime_pattern(fmt: str) -> str:
    import jinja2

    from orchestration.settings import PROJECT_DIR

    def give_back(value: str) -> None:
        raise _Returned(value)

    class Exceptions:
        @staticmethod
        def raise_compiler_error(message: str) -> None:
            raise ValueError(message)

    source = (PROJECT_DIR / "macros" / "spark" / "engine_functions.sql").read_text()
    environment = jinja2.Environment(extensions=["jinja2.ext.do"])
    module = environment.from_string(source, globals={"return": give_back, "exceptions": Exceptions}).module
    try:
        module.spark_datetime_pattern(fmt)
    except _Returned as returned:
        return returned.value
    raise AssertionError("the macro returned nothing")


def test_strftime_formats_become_java_patterns_for_spark() -> None:
    assert _spark_datetime_pattern("%d/%m/%Y %H:%M") == "dd/MM/yyyy HH:mm"
    assert _spark_datetime_pattern("%Y-%m-%dT%H:%M:%S%z") == "yyyy-MM-dd'T'HH:mm:ssXX"
    assert _spark_datetime_pattern("%b %d, %Y") == "MMM dd, yyyy"
    # letters outside directives are one quoted run; a quote in them doubled; %% a percent sign
    assert _spark_datetime_pattern("%d.%m.%y at %I%p") == "dd.MM.yy 'at' hha"
    assert _spark_datetime_pattern("100%% o'clock %H") == "100% 'o''clock' HH"
    with pytest.raises(ValueError, match="%Q has no Spark equivalent"):
        _spark_datetime_pattern("%Y %Q")


def test_a_dataset_name_gives_the_generators_scale_or_is_refused() -> None:
    from orchestration.spark.check import generated_scale

    assert generated_scale("golden") is None
    assert generated_scale("small") == 0.01
    assert generated_scale("scale-0.25") == 0.25
    for name in ("scale-0", "scale-abc", "big", "scale-0.25; rm -rf /"):
        with pytest.raises(ValueError, match="golden, small or scale-<scale>"):
            generated_scale(name)


def test_a_partition_run_reports_each_partition_whose_files_changed(tmp_path) -> None:
    from orchestration.spark.partition_check import partition_changes, partition_files

    table = tmp_path / "platform_traffic_hourly"
    for day, content in (("2026-01-01", "a"), ("2026-01-02", "b"), ("2026-01-03", "c")):
        (table / f"date_day={day}").mkdir(parents=True)
        (table / f"date_day={day}" / "part-0.parquet").write_text(content)
        (table / f"date_day={day}" / ".part-0.parquet.crc").write_text("checksum")
    (table / "_SUCCESS").write_text("")
    before = partition_files(table)
    assert set(before) == {"date_day=2026-01-01", "date_day=2026-01-02", "date_day=2026-01-03"}
    assert all(len(files) == 1 for files in before.values())  # checksums and markers aside

    (table / "date_day=2026-01-02" / "part-0.parquet").unlink()
    (table / "date_day=2026-01-02" / "part-1.parquet").write_text("b2")
    for leftover in (table / "date_day=2026-01-03").iterdir():
        leftover.unlink()
    (table / "date_day=2026-01-03").rmdir()
    (table / "date_day=2026-01-04").mkdir()
    (table / "date_day=2026-01-04" / "part-0.parquet").write_text("d")
    assert partition_changes(before, partition_files(table)) == {
        "date_day=2026-01-02": "rewritten",
        "date_day=2026-01-03": "dropped",
        "date_day=2026-01-04": "added",
    }


def test_a_partition_run_names_every_change_not_expected_and_every_one_missing() -> None:
    from datetime import date

    from orchestration.spark.partition_check import TouchedDays, unexpected_changes

    expected = TouchedDays(*(date(2026, 1, day) for day in (1, 2, 3, 4))).as_partitions()
    assert expected == {
        "date_day=2026-01-01": "rewritten",
        "date_day=2026-01-02": "dropped",
        "date_day=2026-01-03": "rewritten",
        "date_day=2026-01-04": "dropped",
    }
    assert unexpected_changes(expected, dict(expected)) == ()
    actual = {
        "date_day=2026-01-01": "rewritten",
        "date_day=2026-01-02": "dropped",
        "date_day=2026-01-04": "rewritten",
        "date_day=2026-01-09": "rewritten",
    }
    assert unexpected_changes(expected, actual) == (
        "date_day=2026-01-03: unchanged, expected rewritten",
        "date_day=2026-01-04: rewritten, expected dropped",
        "date_day=2026-01-09: rewritten, expected unchanged",
    )


def test_the_partition_run_changes_moves_and_stamps_the_sessions_of_its_days() -> None:
    from datetime import date

    from orchestration.spark.partition_check import TouchedDays, changed_columns

    days = TouchedDays(*(date(2026, 1, day) for day in (1, 2, 3, 4)))
    con = duckdb.connect()
    con.execute(
        "create table sessions as select * from (values "
        "(1, date '2026-01-01', 3, timestamp '2026-02-01 00:00:00'), "
        "(2, date '2026-01-02', 5, timestamp '2026-02-01 00:00:00'), "
        "(3, date '2026-01-05', 7, timestamp '2026-02-01 00:00:00')"
        ") as t(session_id, date_day, pageviews, _written_at)"
    )
    select = ", ".join(changed_columns(days, ["session_id", "date_day", "pageviews", "_written_at"]))
    rows = con.execute(f"select {select} from sessions order by session_id").fetchall()
    assert [(r[0], str(r[1]), r[2], str(r[3])) for r in rows] == [
        (1, "2026-01-01", 4, "2026-02-01 01:00:00"),
        (2, "2026-01-03", 5, "2026-02-01 01:00:00"),
        (3, "2026-01-05", 7, "2026-02-01 00:00:00"),
    ]


def test_the_landing_run_copies_a_row_under_a_new_key_into_the_next_months_file() -> None:
    from orchestration.spark.landing_check import LANDED, new_key, new_row, next_month_name

    orders, sessions = LANDED[0], LANDED[-1]
    header = ["order_id", "student_id", "order_total"]
    assert new_row(header, ["9", "4", "20.00"], ["1", "12", "9", "7"], "order_id") == ["13", "4", "20.00"]
    assert next_month_name("orders_2026-03.csv", orders) == "orders_2026-04.csv"
    assert next_month_name("orders_2026-12.csv", orders) == "orders_2027-01.csv"
    assert next_month_name("sessions_2026-03.csv", sessions) == "sessions_2026-04.csv"
    with pytest.raises(ValueError, match="not a monthly sessions file name"):
        next_month_name("orders_2026-03.csv", sessions)
    # text keys (hex ids, prefixed ids): the copied key with a suffix no row has
    assert new_key("ev_0a", ["ev_01", "ev_0a"]) == "ev_0a-copy1"
    assert new_key("ev_0a", ["ev_0a", "ev_0a-copy1"]) == "ev_0a-copy2"


def test_the_landing_run_reads_a_files_keys_by_its_header(tmp_path) -> None:
    from orchestration.spark.landing_check import LANDED, read_rows, write_rows

    orders = LANDED[0]
    path = tmp_path / "orders_2026-01.csv"
    write_rows(path, ["student_id", "order_total", "order_id"], [["3", "1.00", "7"], ["4", "2.00", "9"]])
    header, rows = read_rows(path, orders)
    assert [row[header.index("order_id")] for row in rows] == ["7", "9"]
    path.write_text("student_id,total\n3,1.00\n")
    with pytest.raises(SystemExit, match="no column 'order_id'"):
        read_rows(path, orders)


def test_the_landing_run_moves_only_the_first_value_by_one_within_the_contracts_bounds() -> None:
    from orchestration.contracts import Column
    from orchestration.spark.landing_check import with_first_value_corrected

    money = Column("order_total", "decimal", "", max_value=100_000)
    rows = [["1", "50.00"], ["2", "103.50"]]
    assert with_first_value_corrected(["order_id", "order_total"], rows, money) == [["1", "51.00"], ["2", "103.50"]]
    assert rows[0] == ["1", "50.00"]  # the rows read are left as they were
    percent = Column("progress_pct", "double", "", max_value=100)
    # one more would pass the maximum: one less
    assert with_first_value_corrected(["id", "progress_pct"], [["1", "100"]], percent) == [["1", "99.00"]]
    seconds = Column("video_seconds_watched", "integer", "", max_value=36_000)
    # the first row with a value, as an integer
    assert with_first_value_corrected(["id", "video_seconds_watched"], [["1", ""], ["2", "600"]], seconds) == [
        ["1", ""],
        ["2", "601"],
    ]
    with pytest.raises(SystemExit, match="no row with a video_seconds_watched"):
        with_first_value_corrected(["id", "video_seconds_watched"], [["1", " "]], seconds)


def test_every_landed_entitys_columns_are_in_its_contract() -> None:
    from orchestration.spark.landing_check import LANDED

    for landed in LANDED:
        assert landed.column(landed.corrected).type in {"integer", "decimal", "double"}, landed.name
        assert landed.column(landed.key).required, landed.name


def test_a_landing_expects_one_new_partition_and_the_rewrites_it_names() -> None:
    from orchestration.spark.landing_check import expected_changes

    before = {"_loaded_at=1": frozenset({("a", 1, 1)}), "_loaded_at=2": frozenset({("b", 1, 1)})}
    after = {**before, "_loaded_at=3": frozenset({("c", 1, 1)})}
    assert expected_changes(before, after, {"_loaded_at=1": "rewritten"}) == {
        "_loaded_at=1": "rewritten",
        "_loaded_at=3": "added",
    }
    # two new partitions for one landing: neither is expected, so both are reported
    twice = {**after, "_loaded_at=4": frozenset({("d", 1, 1)})}
    assert expected_changes(before, twice, {}) == {}
    # a run's own rows superseding every row of an older partition drop it
    assert expected_changes(before, after, {"_loaded_at=2": "dropped"}) == {
        "_loaded_at=2": "dropped",
        "_loaded_at=3": "added",
    }


def test_a_data_files_url_gives_its_partition_folder_as_named_on_disk() -> None:
    from orchestration.spark.landing_check import partition_folder

    url = "file:/w/staging.db/base/_loaded_at=2026-12-05%2021%253A26%253A56.7/part-0.snappy.parquet"
    assert partition_folder(url) == "_loaded_at=2026-12-05 21%3A26%3A56.7"


def test_a_chain_run_rewrites_the_partitions_holding_the_keys_it_took_again() -> None:
    from orchestration.spark.landing_check import superseded_partitions

    before = {"1": "_written_at=a", "2": "_written_at=a", "3": "_written_at=b"}
    # the run wrote keys 2 and 3 again into a new partition c, and a new key 4
    after = {"1": "_written_at=a", "2": "_written_at=c", "3": "_written_at=c", "4": "_written_at=c"}
    assert superseded_partitions(before, after) == {"_written_at=a": "rewritten", "_written_at=b": "dropped"}
    # a run that wrote nothing supersedes nothing
    assert superseded_partitions(before, before) == {}


def test_the_landing_run_copies_the_row_staging_holds_last(tmp_path: Path) -> None:
    from orchestration.settings import Settings
    from orchestration.spark.landing_check import LANDED, latest_staged

    settings = Settings.under(tmp_path)
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)

    def staged(*statements: str) -> None:
        with duckdb.connect(str(settings.warehouse_path)) as con:
            for statement in statements:
                con.execute(statement)

    staged(
        "create schema staging",
        "create table staging.stg_marketplace__orders (order_id varchar, ordered_at timestamp)",
        "insert into staging.stg_marketplace__orders values ('7', '2026-03-01 10:00'), ('9', '2026-02-01')",
    )
    orders = LANDED[0]
    assert latest_staged(settings, orders) == "7"
    staged("insert into staging.stg_marketplace__orders values ('8', '2026-03-01 10:00')")
    assert latest_staged(settings, orders) == "8"  # a tie in time: the greatest key
    staged("delete from staging.stg_marketplace__orders")
    with pytest.raises(SystemExit, match="no row of orders to copy"):
        latest_staged(settings, orders)


def test_the_late_parent_is_the_student_a_session_references() -> None:
    from orchestration.spark.landing_check import LATE_PARENT, SELECTED, TABLES

    assert LATE_PARENT.parent.name == "students"
    assert LATE_PARENT.parent_base == ("staging", "base_marketplace__students")
    assert {LATE_PARENT.parent_base, LATE_PARENT.quarantine} <= set(TABLES)
    assert {LATE_PARENT.parent_base[1], LATE_PARENT.quarantine[1]} <= set(SELECTED)


def test_the_late_parents_snapshot_is_named_a_day_after_the_latest() -> None:
    from orchestration.contracts import entity
    from orchestration.spark.landing_check import next_snapshot_name

    students = entity("students")
    names = ["students_2026-03-31.csv", "students_2026-02-28.csv", "notes.txt"]
    assert next_snapshot_name(names, students) == "students_2026-04-01.csv"
    with pytest.raises(SystemExit, match="no students snapshot files"):
        next_snapshot_name(["students.csv"], students)


def test_a_parents_landing_takes_its_children_out_of_the_quarantines_partitions() -> None:
    from orchestration.spark.landing_check import relinked_partitions

    held = [("7", "_loaded_at=a"), ("7", "_loaded_at=b"), ("9", "_loaded_at=b"), ("9", "_loaded_at=c")]
    # student 7 lands: a held only its sessions, b others too; c was rewritten by the base model
    assert relinked_partitions(held, "7", {"_loaded_at=c"}) == {
        "_loaded_at=a": "dropped",
        "_loaded_at=b": "rewritten",
        "_loaded_at=c": "rewritten",
    }
    # no parent landed: only what the base model rewrote
    assert relinked_partitions(held, None, {"_loaded_at=a"}) == {"_loaded_at=a": "rewritten"}


def test_the_late_parent_lands_under_the_key_the_orphan_was_given(tmp_path: Path) -> None:
    from orchestration.settings import Settings
    from orchestration.spark.landing_check import land_late_parent, parent_key_to_come

    settings = Settings.under(tmp_path)
    folder = settings.landing_dir / "marketplace" / "students"
    folder.mkdir(parents=True)
    (folder / "students_2026-03-31.csv").write_text("student_id,country_code\n4,US\n6,DE\n5,FR\n")
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute("create schema staging")
        con.execute("create table staging.stg_marketplace__students (student_id varchar)")
        con.execute("insert into staging.stg_marketplace__students values ('4'), ('6')")

    assert parent_key_to_come(settings) == "7"
    land_late_parent(settings)
    landed = (folder / "students_2026-04-01.csv").read_text()
    assert landed == "student_id,country_code\n7,DE\n"  # staged 6's row under the key to come
    assert parent_key_to_come(settings) == "8"
    (folder / "students_2026-04-02.csv").write_text("id,country_code\n9,US\n")
    with pytest.raises(SystemExit, match="students_2026-04-02.csv has no column 'student_id'"):
        parent_key_to_come(settings)


def test_every_chain_model_the_landings_reach_is_partitioned_by_the_run_that_wrote_its_rows() -> None:
    from orchestration.settings import PROJECT_DIR
    from orchestration.spark.landing_check import CHAIN

    for _, name in CHAIN:
        (path,) = (PROJECT_DIR / "models").rglob(f"{name}.sql")
        sql = path.read_text()
        assert "incremental_materialization(by_partition=true)" in sql, name
        assert "partition_by=partition_columns('_written_at')" in sql, name
        assert "{{ written_at_stamp() }} as _written_at" in sql, name
