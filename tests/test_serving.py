"""Write-audit-publish: the serving file holds the marts only after a build passed its checks.

Most tests use a tiny warehouse made in SQL (marts with a view, audit results of a validation run,
one staging base model for freshness): publish copies marts and audit with the same columns and
types, records publish_log / publish_tables across publishes, refuses a failed standard or a
missing build leaving the previous file byte-identical, does not wait for a reader holding the
file (which keeps its data until it reopens), writes a storage format older DuckDB clients open
(installed with pip in the pytest cache), and exports Parquet whose manifest matches the data.
One slow test publishes a real dbt build of the golden dataset and compares every mart.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

import orchestration.serving.export as export_module
import orchestration.serving.publish as publish_module
from orchestration.build_state import state_file
from orchestration.quality.store import prepare
from orchestration.serving.export import ExportError, export_marts, read_manifest
from orchestration.serving.publish import (
    STORAGE_FORMAT_NUMBER,
    STORAGE_VERSION,
    PublishError,
    PublishPlan,
    QualityVerdict,
    SourceTable,
    copy_statements,
    current_publish,
    open_serving,
    publish,
    publish_step,
    refusals,
)
from orchestration.settings import Settings

OLD_CLIENTS = ("1.4.3", "1.1.3")  # the 1.4 LTS line of the last year; a 2024 client BI drivers still embed
NOW = datetime.now(UTC).replace(tzinfo=None, microsecond=0)


# ----------------------------------------------------------------------------------- helpers
def make_settings(root: Path) -> Settings:
    return Settings(
        warehouse_path=root / "warehouse.duckdb",
        landing_dir=root / "landing",
        serving_path=root / "serve" / "serving.duckdb",
        export_dir=root / "export",
        reports_dir=root / "reports",
    )


def build_warehouse(path: Path, orders: int = 3, marts: bool = True) -> None:
    """A warehouse as the pipeline leaves it, in miniature (`raw` is there to be left out)."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists raw")
        con.execute("create or replace table raw.orders as select 'not for readers' as line")
        con.execute("create schema if not exists staging")
        con.execute(
            """
            create or replace table staging.base_marketplace__orders as
            select timestamp '2026-11-20 10:00:00' + to_hours(i) as ordered_at,
                   case when i = 1 then 'invalid' end as _dq_reason
            from range(0, ?) as t(i)
            """,
            [orders + 1],
        )
        if marts:
            con.execute("create schema if not exists marts")
            con.execute(
                """
                create or replace table marts.fct_orders as
                select i as order_id, cast(i * 10.25 as decimal(18, 2)) as order_total,
                       timestamp '2026-11-20 10:00:00' + to_hours(i) as ordered_at,
                       i % 2 = 0 as refunded, cast(i * 1.5 as decimal(38, 2)) as big_total
                from range(1, ? + 1) as t(i)
                """,
                [orders],
            )
            con.execute(
                "create or replace table marts.dim_courses as "
                "select * from (values (1, 'SQL basics', 12.5::double), (2, 'dbt \"quoted\"', 20.0)) "
                "t(course_id, title, price)"
            )
            # dbt compiles views against the file's catalog name: the publish must still bind them
            con.execute(
                "create or replace view marts.orders_summary as "
                "select count(*) as orders, sum(order_total) as order_total from warehouse.marts.fct_orders"
            )
        prepare(con)
    record_validation(path, failed=False)


def record_validation(path: Path, failed: bool, validated_at: datetime | None = None) -> str:
    """A validation run in audit.dq_results / dq_scores, as orchestration.quality records one."""
    validated_at = validated_at or datetime.now(UTC).replace(tzinfo=None)
    run_id = f"{validated_at:%Y%m%dT%H%M%S%f}-{'bad' if failed else 'ok'}"
    rows = [
        (
            run_id,
            "completeness",
            "orders complete",
            "completeness",
            "raw.orders",
            "0 unexpected rows",
            True,
            "critical",
        ),
        (
            run_id,
            "accuracy",
            "orders valid",
            "accuracy",
            "raw.orders",
            "3.1% invalid" if failed else "0.1% invalid",
            not failed,
            "critical",
        ),
        (run_id, "consistency", "row counts stable", "consistency", "marts.fct_orders", "-40%", False, "warning"),
    ]
    with duckdb.connect(str(path)) as con:
        con.executemany(
            "insert into audit.dq_results values (?, ?, ?, ?, ?, ?, ?, ?, ?)", [(*r, validated_at) for r in rows]
        )
        met = 1 if failed else 2
        con.execute(
            "insert into audit.dq_scores values (?, 'overall', 3, ?, ?, ?)", [run_id, met, met / 3, validated_at]
        )
    return run_id


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def columns(path: Path, catalog_sql: str) -> list[tuple]:
    """(schema, table, column, type) of marts and audit, as DuckDB describes them."""
    with duckdb.connect(str(path), read_only=True) as con:
        return rows(
            con,
            "select schema_name, table_name, column_name, data_type from duckdb_columns() "
            f"where schema_name in ('marts', 'audit') and {catalog_sql} order by all",
        )


def leftovers(serving: Path) -> list[str]:
    return sorted(p.name for p in serving.parent.iterdir() if p.name.startswith(f".{serving.name}.publishing-"))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = make_settings(tmp_path)
    build_warehouse(settings.warehouse_path)
    return settings


# ---------------------------------------------------------------------------------- pure parts
def test_refusals_name_what_blocks_a_publish() -> None:
    marts = (SourceTable("marts", "fct_orders", "table"),)
    ok = QualityVerdict("run-1", NOW, 0.99, ())
    failed = QualityVerdict("run-2", NOW, 0.5, ("[accuracy] orders valid — table raw.orders: 3% invalid",))
    wh = Path("wh.duckdb")
    assert refusals(PublishPlan(marts, ok, {}), wh) == []
    assert "has no `marts` tables" in refusals(PublishPlan((), ok, {}), wh)[0]
    assert "no data quality validation" in refusals(PublishPlan(marts, None, {}), wh)[0]
    assert refusals(PublishPlan(marts, None, {}), wh, require_quality=False) == []
    (reason,) = refusals(PublishPlan(marts, failed, {}), wh)
    assert "validation run run-2 failed 1 critical expectation" in reason and "3% invalid" in reason
    (stale,) = refusals(PublishPlan(marts, ok, {}), wh, built_at=NOW + timedelta(minutes=1))
    assert "rebuilt" in stale and "after its latest validation run run-1" in stale
    assert refusals(PublishPlan(marts, ok, {}), wh, built_at=NOW - timedelta(minutes=1)) == []


def test_data_as_of_is_how_far_every_source_reaches() -> None:
    by_source = {
        "billing": datetime(2026, 11, 22, 16, tzinfo=UTC),
        "marketing": datetime(2026, 11, 23, tzinfo=UTC),  # a daily source: end of its day
        "learning": None,  # no data: says nothing
    }
    assert PublishPlan((), None, by_source).data_as_of == datetime(2026, 11, 22, 16, tzinfo=UTC)
    assert PublishPlan((), None, {"learning": None}).data_as_of is None


def test_copy_statements_quote_names_and_keep_schemas() -> None:
    tables = (SourceTable("marts", 'odd "name"', "view"), SourceTable("audit", "dq_scores", "table"))
    assert copy_statements(tables, "warehouse", "new") == [
        'create schema if not exists "new"."marts"',
        'create schema if not exists "new"."audit"',
        'create table "new"."marts"."odd ""name""" as select * from "warehouse"."marts"."odd ""name"""',
        'create table "new"."audit"."dq_scores" as select * from "warehouse"."audit"."dq_scores"',
    ]


# ------------------------------------------------------------------------------------- publish
def test_publish_copies_marts_and_audit_with_the_same_columns_and_types(settings: Settings) -> None:
    result = publish(settings.warehouse_path, settings.serving_path, run_id="run-42")
    serving = settings.serving_path
    assert columns(serving, "database_name = 'serving'") == columns(
        settings.warehouse_path, "database_name = 'warehouse'"
    )
    with duckdb.connect(str(serving), read_only=True) as con:
        kinds = dict(
            rows(con, "select table_name, table_type from information_schema.tables where table_schema = 'marts'")
        )
        assert kinds == {"fct_orders": "BASE TABLE", "dim_courses": "BASE TABLE", "orders_summary": "BASE TABLE"}
        assert rows(con, "select orders, order_total::varchar from marts.orders_summary") == [(3, "61.50")]
        assert rows(con, "select count(*) from audit.dq_results") == [(3,)]
        assert (
            rows(
                con, "select schema_name from duckdb_schemas() where database_name = 'serving' and schema_name = 'raw'"
            )
            == []
        )
    assert result.row_counts == {
        ("marts", "dim_courses"): 2,
        ("marts", "fct_orders"): 3,
        ("marts", "orders_summary"): 1,
        ("audit", "dq_results"): 3,
        ("audit", "dq_scores"): 1,
        ("audit", "schema_snapshots"): 0,
    }
    # the header's storage format number: 64 is what every DuckDB since 0.10 reads
    header = serving.read_bytes()[:20]
    assert header[8:12] == b"DUCK" and struct.unpack_from("<Q", header, 12)[0] == STORAGE_FORMAT_NUMBER
    assert serving.stat().st_mode & 0o777 == 0o444  # readers cannot open it for writing
    assert not publish_module.wal_path(serving).exists() and leftovers(serving) == []


def test_publish_log_keeps_every_publish_with_its_row_counts(settings: Settings) -> None:
    first = publish(settings.warehouse_path, settings.serving_path, run_id="run-1")
    build_warehouse(settings.warehouse_path, orders=5)  # a rebuild with more data and a new validation
    second = publish(settings.warehouse_path, settings.serving_path, run_id="run-2")
    assert (first.history_rows, second.history_rows) == (1, 2)
    with open_serving(settings.serving_path) as con:
        log = rows(
            con,
            "select publish_id, run_id, dq_run_id, dq_score, data_as_of, data_as_of_by_source, table_count, "
            "total_rows, storage_version, dbt_version, project_version, duckdb_version "
            "from publish_log order by published_at",
        )
        assert [r[:2] for r in log] == [(first.publish_id, "run-1"), (second.publish_id, "run-2")]
        assert [r[2] for r in log] == [first.dq_run_id, second.dq_run_id] and first.dq_run_id != second.dq_run_id
        assert [r[3] for r in log] == [pytest.approx(2 / 3)] * 2
        # newest valid ordered_at: row 1 is invalid, rows 0..orders are the data
        assert [r[4] for r in log] == [
            datetime(2026, 11, 20, 13, tzinfo=UTC),
            datetime(2026, 11, 20, 15, tzinfo=UTC),
        ]
        by_source = json.loads(log[1][5])
        assert by_source["marketplace"] == "2026-11-20T15:00:00+00:00" and by_source["billing"] is None
        assert [r[6:9] for r in log] == [
            (6, 3 + 2 + 1 + 3 + 1, STORAGE_VERSION),
            (6, 5 + 2 + 1 + 6 + 2, STORAGE_VERSION),
        ]
        assert all(r[9] and r[10] and r[11] == duckdb.__version__ for r in log)
        assert rows(
            con,
            "select data_type from duckdb_columns() where table_name = 'publish_log' and column_name = 'published_at'",
        ) == [("TIMESTAMP WITH TIME ZONE",)]
        counts = rows(
            con,
            "select publish_id, row_count from publish_tables "
            "where schema_name = 'marts' and table_name = 'fct_orders' order by publish_id",
        )
        assert counts == sorted([(first.publish_id, 3), (second.publish_id, 5)])
        for publish_id, expected in ((first.publish_id, first.row_counts), (second.publish_id, second.row_counts)):
            recorded = rows(
                con, "select schema_name, table_name, row_count from publish_tables where publish_id = ?", [publish_id]
            )
            assert {(s, t): n for s, t, n in recorded} == expected
    assert current_publish(settings.serving_path)["publish_id"] == second.publish_id


def _refuse_failed_standard(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> str:
    record_validation(settings.warehouse_path, failed=True)
    return "failed 1 critical expectation(s):\n    [accuracy] orders valid — table raw.orders: 3.1% invalid"


def _refuse_missing_marts(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> str:
    settings.warehouse_path.unlink()
    build_warehouse(settings.warehouse_path, marts=False)  # a build that stopped before the marts
    return "has no `marts` tables"


def _refuse_stale_validation(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> str:
    marker = state_file(settings.warehouse_path)  # a successful dbt build recorded after the validation
    marker.write_text("fingerprint\n")
    later = time.time() + 60
    os.utime(marker, (later, later))
    return "validate it again first"


def _refuse_missing_warehouse(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> str:
    settings.warehouse_path.unlink()
    return "no warehouse at"


def _fail_while_writing(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> str:
    def broken(*args: object, **kwargs: object) -> None:
        raise duckdb.IOException("disk full (simulated)")

    monkeypatch.setattr(publish_module, "record_publish", broken)
    return "disk full (simulated)"


@pytest.mark.parametrize(
    "break_it",
    [
        _refuse_failed_standard,
        _refuse_missing_marts,
        _refuse_stale_validation,
        _refuse_missing_warehouse,
        _fail_while_writing,
    ],
    ids=["failed-standard", "no-marts", "stale-validation", "no-warehouse", "error-while-writing"],
)
def test_a_refused_or_failed_publish_leaves_the_previous_file_byte_identical(
    settings: Settings, break_it: Callable[[Settings, pytest.MonkeyPatch], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = publish(settings.warehouse_path, settings.serving_path, run_id="good")
    before = sha256(settings.serving_path)
    expected = break_it(settings, monkeypatch)
    with pytest.raises(PublishError) as raised:
        publish(settings.warehouse_path, settings.serving_path, run_id="bad")
    message = str(raised.value)
    assert expected in message
    assert f"holds publish {first.publish_id}" in message  # the run says what readers still see
    assert sha256(settings.serving_path) == before
    assert leftovers(settings.serving_path) == []
    assert current_publish(settings.serving_path)["run_id"] == "good"


def test_nothing_published_yet_is_said_too(settings: Settings) -> None:
    record_validation(settings.warehouse_path, failed=True)
    with pytest.raises(PublishError, match="no serving file at .* yet"):
        publish(settings.warehouse_path, settings.serving_path)
    assert not settings.serving_path.exists()


READER = textwrap.dedent(
    """
    import sys, duckdb
    path = sys.argv[1]
    query = "select count(*), sum(order_total)::varchar from marts.fct_orders"
    con = duckdb.connect(path, read_only=True)  # what a BI tool does
    print(con.execute(query).fetchone(), flush=True)
    sys.stdin.readline()  # the test publishes meanwhile
    print(con.execute(query).fetchone(), flush=True)
    con.close()
    con = duckdb.connect(path, read_only=True)
    print(con.execute(query).fetchone(), flush=True)
    """
)


def test_a_reader_holding_the_file_keeps_its_data_and_does_not_block_a_publish(settings: Settings) -> None:
    publish(settings.warehouse_path, settings.serving_path, run_id="before")
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(settings.serving_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "(3, '61.50')"  # the reader holds the file open
        build_warehouse(settings.warehouse_path, orders=5)
        started = time.perf_counter()
        second = publish(settings.warehouse_path, settings.serving_path, run_id="after")
        assert time.perf_counter() - started < 30
        with open_serving(settings.serving_path) as con:  # a new reader sees the new publish at once
            assert rows(con, "select count(*) from marts.fct_orders") == [(5,)]
            assert rows(con, "select count(*) from publish_log") == [(2,)]
        reader.stdin.write("go\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "(3, '61.50')"  # still the file it opened
        assert reader.stdout.readline().strip() == "(5, '153.75')"  # reopened: the new publish
        assert reader.wait(timeout=60) == 0, reader.stderr.read()
    finally:
        if reader.poll() is None:
            reader.kill()
    assert second.history_rows == 2


HOLDER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1])  # read-write: against the contract, and an exclusive lock
    print("holding", flush=True)
    sys.stdin.readline()
    """
)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can open the 0444 serving file read-write")
def test_a_reader_locking_the_file_read_write_does_not_block_a_publish(settings: Settings) -> None:
    publish(settings.warehouse_path, settings.serving_path, run_id="before")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(settings.serving_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding", holder.stderr.read()
        second = publish(settings.warehouse_path, settings.serving_path, run_id="after")
        assert second.history_rows == 2 and second.warnings == ()  # history read from a byte copy
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=60)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file modes")
def test_the_serving_file_cannot_be_opened_for_writing(settings: Settings) -> None:
    publish(settings.warehouse_path, settings.serving_path)
    with pytest.raises(duckdb.Error):
        duckdb.connect(str(settings.serving_path))


def test_publish_step_publishes_and_exports(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    result = publish_step(settings, run_id="pipeline-run")
    out = capsys.readouterr().out
    assert f"publish {result.publish_id}, run pipeline-run" in out
    assert f"DuckDB storage {STORAGE_VERSION}" in out
    assert "exported 3 marts tables, 6 rows" in out
    assert read_manifest(settings.export_dir)["publish"]["publish_id"] == result.publish_id


# -------------------------------------------------------------------------------------- export
def test_parquet_export_round_trips_row_counts_and_types(settings: Settings) -> None:
    published = publish(settings.warehouse_path, settings.serving_path, run_id="run-1")
    result = export_marts(settings.serving_path, settings.export_dir)
    manifest = read_manifest(settings.export_dir)
    assert manifest["publish"]["publish_id"] == published.publish_id == result.publish_id
    assert manifest["publish"]["run_id"] == "run-1"
    tables = {t["table"]: t for t in manifest["tables"]}
    assert {t: e["rows"] for t, e in tables.items()} == {
        name: n for (schema, name), n in published.row_counts.items() if schema == "marts"
    }
    assert sorted(p.name for p in (settings.export_dir / "marts").iterdir()) == sorted(f"{t}.parquet" for t in tables)
    with duckdb.connect() as con:
        for name, entry in tables.items():
            path = settings.export_dir / entry["file"]
            assert entry["sha256"] == sha256(path) and entry["bytes"] == path.stat().st_size
            assert rows(con, "select count(*) from read_parquet(?)", [str(path)]) == [(entry["rows"],)]
            described = rows(
                con, "select column_name, column_type from (describe select * from read_parquet(?))", [str(path)]
            )
            assert described == [(c["name"], c["type"]) for c in entry["columns"]], name
        assert rows(
            con,
            "select sum(order_total)::varchar from read_parquet(?)",
            [str(settings.export_dir / "marts/fct_orders.parquet")],
        ) == [("61.50",)]
    # a new publish's export replaces the old one whole
    build_warehouse(settings.warehouse_path, orders=5)
    publish(settings.warehouse_path, settings.serving_path)
    export_marts(settings.serving_path, settings.export_dir)
    again = {t["table"]: t["rows"] for t in read_manifest(settings.export_dir)["tables"]}
    assert again["fct_orders"] == 5
    assert [p.name for p in settings.export_dir.parent.iterdir() if p.name.startswith(".export.")] == [".export.lock"]


def test_export_refuses_to_replace_a_directory_it_did_not_write(settings: Settings) -> None:
    publish(settings.warehouse_path, settings.serving_path)
    settings.export_dir.mkdir()
    (settings.export_dir / "precious.txt").write_text("mine")
    with pytest.raises(ExportError, match="not an export directory"):
        export_marts(settings.serving_path, settings.export_dir)
    assert (settings.export_dir / "precious.txt").read_text() == "mine"


def test_export_without_a_serving_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="no serving file at"):
        export_marts(tmp_path / "missing.duckdb", tmp_path / "export")
    assert not (tmp_path / "export").exists()
    assert export_module.MANIFEST == "manifest.json"


# ----------------------------------------------------------------------------- older clients
@pytest.fixture(scope="session")
def client_cache(request: pytest.FixtureRequest) -> Path:
    return Path(request.config.cache.mkdir("duckdb-clients"))


def old_client(cache: Path, version: str) -> Path:
    """A directory holding the `duckdb` Python client of `version` (pip --target, cached); skips
    only when the package index cannot be reached."""
    target = cache / version
    if (target / "duckdb").is_dir():
        return target
    staging = cache / f".{version}.installing-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--only-binary=:all:", "--retries", "1", "--timeout", "30", "--target", str(staging), f"duckdb=={version}"],
        capture_output=True, text=True, timeout=600,
    )
    if install.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        output = install.stdout + install.stderr
        unreachable = (
            "connection",
            "network",
            "temporary failure",
            "could not find a version",
            "no matching distribution",
        )
        if any(word in output.lower() for word in unreachable):
            pytest.skip(
                f"cannot install duckdb=={version} from the package index (unreachable?): {output.strip()[-300:]}"
            )
        pytest.fail(f"pip install duckdb=={version} failed: {output.strip()[-1000:]}")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def run_with_client(client: Path, code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Python without site-packages (-S), so only the old client is importable as `duckdb`."""
    env = {**os.environ, "PYTHONPATH": str(client)}
    return subprocess.run(
        [sys.executable, "-S", "-c", code, *args], capture_output=True, text=True, timeout=120, env=env
    )


OLD_READER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(duckdb.__version__)
    orders = "select count(*), sum(order_total)::varchar, max(ordered_at)::varchar from marts.fct_orders"
    print(con.execute(orders).fetchone())
    print(con.execute("select orders from marts.orders_summary").fetchone())
    print(con.execute("select run_id, epoch(published_at) > 0, storage_version from publish_log").fetchone())
    """
)


@pytest.mark.parametrize("version", OLD_CLIENTS)
def test_an_older_duckdb_client_opens_the_serving_file(
    settings: Settings, client_cache: Path, version: str, tmp_path: Path
) -> None:
    client = old_client(client_cache, version)
    publish(settings.warehouse_path, settings.serving_path, run_id="run-old")
    read = run_with_client(client, OLD_READER, str(settings.serving_path))
    assert read.returncode == 0, read.stderr
    assert read.stdout.splitlines() == [
        version,
        "(3, '61.50', '2026-11-20 13:00:00')",
        "(3,)",
        f"('run-old', True, '{STORAGE_VERSION}')",
    ]
    # control: DuckDB 1.5's own newest format (68) is what such a client refuses
    newest = tmp_path / "newest" / "serving.duckdb"
    publish(settings.warehouse_path, newest, storage_version="v1.5.0")
    refused = run_with_client(client, OLD_READER, str(newest))
    assert refused.returncode != 0 and "version number 68" in refused.stderr


# ---------------------------------------------------------------------------- a real dbt build
@pytest.mark.slow
def test_publish_of_a_golden_build_matches_every_mart(golden_copy: Settings, client_cache: Path) -> None:
    settings = golden_copy
    # no validation: the golden data is from early 2026, so timeliness would refuse it
    result = publish(settings.warehouse_path, settings.serving_path, run_id="golden", require_quality=False)
    marts = sorted(t for s, t in result.row_counts if s == "marts")
    assert len(marts) > 30
    with duckdb.connect() as con:
        con.execute(f"attach '{settings.warehouse_path}' as warehouse (read_only)")
        con.execute(f"attach '{settings.serving_path}' as serving (read_only)")
        for table in marts:
            differ = rows(
                con,
                f"""select count(*) from (
                    (select * from warehouse.marts."{table}" except all select * from serving.marts."{table}")
                    union all
                    (select * from serving.marts."{table}" except all select * from warehouse.marts."{table}"))""",
            )
            assert differ == [(0,)], table
        types = (
            "select table_name, column_name, data_type from duckdb_columns() "
            "where database_name = ? and schema_name = 'marts' order by all"
        )
        assert rows(con, types, ["serving"]) == rows(con, types, ["warehouse"])
        by_source = json.loads(rows(con, "select data_as_of_by_source from serving.publish_log")[0][0])
    assert all(by_source.values()), by_source  # the golden data has every source
    # every real mart reads with the oldest client of the last year
    client = old_client(client_cache, OLD_CLIENTS[0])
    code = "import sys, duckdb\ncon = duckdb.connect(sys.argv[1], read_only=True)\n" + "".join(
        f"print(con.execute('select count(*) from marts.\"{t}\"').fetchone()[0])\n" for t in marts
    )
    read = run_with_client(client, code, str(settings.serving_path))
    assert read.returncode == 0, read.stderr
    assert [int(n) for n in read.stdout.split()] == [result.row_counts[("marts", t)] for t in marts]
