"""An incremental build after one more day of data gives the tables a full refresh gives.

The day before lands and builds; then one more day arrives as it would (the current month's files
re-sent whole, today's snapshots), with a corrected row, and students the day before's snapshot
lacked, so sessions that were orphans then turn valid. One warehouse builds incrementally, a copy
of it refreshes fully; every staging, intermediate and mart table must hold the same rows.
"""

from __future__ import annotations

import csv
import json
import math
import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration import contracts
from orchestration.bench import deliver_new_day, prepare_day_before
from orchestration.build_state import DATA_TEST_SCOPE, record_tested_build
from orchestration.datagen.config import GeneratorConfig
from orchestration.datagen.generator import generate
from orchestration.dbt_runner import run_dbt
from orchestration.landing import land
from orchestration.pipeline import SCORECARD_SELECTOR, dataset_end
from orchestration.settings import Settings

pytestmark = pytest.mark.slow

SCHEMAS = ("staging", "intermediate", "marts")


def _rewrite(path: Path, change) -> None:
    """A landing file replaced by a changed copy, never written in place: the bench's landing dir
    hard-links the generated files (bench.place_copy), which must keep what was generated."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows = [rows[0], *change(rows[0], rows[1:])]
    changed = path.with_name(path.name + ".changing")
    with changed.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    changed.replace(path)


def _students_with_sessions(landing: Path, count: int) -> set[str]:
    """Students of the day before's snapshot with sessions in the first month (not the generator's
    planted orphans, whose student exists nowhere)."""
    with _snapshot(landing, "students").open(newline="", encoding="utf-8") as handle:
        students = {row["student_id"] for row in csv.DictReader(handle)}
    session_files = sorted((landing / "web_analytics" / "sessions").glob("*.csv"))
    with session_files[0].open(newline="", encoding="utf-8") as handle:
        users = {row["userId"] for row in csv.DictReader(handle)} & students
    return set(sorted(users)[:count])


def _snapshot(landing: Path, entity: str) -> Path:
    return sorted((landing / "marketplace" / entity).glob("*.csv"))[-1]


def _orphaned_sessions(warehouse: Path, students: set[str]) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            'select count(*) from staging.base_web_analytics__sessions where list_contains(?, "userId") '
            "and _dq_reason like '%userId: orphaned%'",
            [sorted(students)],
        ).fetchone()[0]


def _build(settings: Settings, *extra: str, data_tests: bool = False) -> None:
    """dbt build to the marts; with `data_tests`, the data tests too (they hold on the incremental
    tables as on full ones)."""
    excluded = ["unit_test"] if data_tests else ["unit_test", "test"]
    exclusions = [arg for kind in excluded for arg in ("--exclude-resource-type", kind)]
    summary = run_dbt(["build", "--exclude", SCORECARD_SELECTOR, *exclusions, *extra], settings)
    assert summary.success, summary.failures


def _differences(con: duckdb.DuckDBPyConnection, schema: str, table: str, catalog: str = "incremental") -> int:
    """Rows of the incremental table the full refresh lacks, or holds otherwise, `_written_at`
    aside. Doubles match to 1e-9 relative: a sum over rows in another order differs in its last
    digits."""
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [catalog, schema, table],
    ).fetchall()
    # the stamp of the run that wrote a row is all a full refresh writes anew
    columns = [(name, kind) for name, kind in columns if name != "_written_at"]
    selected = ", ".join(f'"{name}"' for name, _ in columns)
    mine = f'select {selected} from "{schema}"."{table}"'
    theirs = f'select {selected} from full_refresh."{schema}"."{table}"'
    extra = con.execute(f"{mine} except all {theirs}").fetchall()
    lacking = con.execute(f"{theirs} except all {mine}").fetchall()
    doubles = [i for i, (_, kind) in enumerate(columns) if kind in ("DOUBLE", "FLOAT")]

    def exact(row: tuple) -> tuple:
        return tuple(value for i, value in enumerate(row) if i not in doubles)

    unmatched = list(lacking)
    for row in extra:
        match = next(
            (
                other
                for other in unmatched
                if exact(other) == exact(row)
                and all(
                    (row[i] is None) == (other[i] is None)
                    and (row[i] is None or math.isclose(row[i], other[i], rel_tol=1e-9, abs_tol=1e-12))
                    for i in doubles
                )
            ),
            None,
        )
        if match is None:
            return len(extra) + len(lacking)
        unmatched.remove(match)
    return len(unmatched)


def _compare_all(warehouse: Path, full: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"attach '{full}' as full_refresh (read_only)")
        catalog = con.execute("select current_database()").fetchone()[0]
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = ? and table_schema in ? and table_type = 'BASE TABLE' order by 1, 2",
            [catalog, list(SCHEMAS)],
        ).fetchall()
        assert len(tables) > 100
        return {f"{schema}.{table}": n for schema, table in tables if (n := _differences(con, schema, table, catalog))}


@dataclass(frozen=True)
class Changes:
    """What the new day changes besides new rows, each through a path of its own in the facts."""

    missing_students: set[str]
    orphaned_before: int
    reattributed_code: str
    old_campaign: str
    new_campaign: int
    moved_order: str
    to_session: str
    changed_lesson: str
    new_video_seconds: int
    changed_enrollment: str
    new_student: str
    invalidated_payment: str
    invalidated_review: str


def _latest(landing: Path, source: str, entity: str) -> Path:
    return sorted((landing / source / entity).glob("*.csv"))[-1]


def _set(path: Path, key: str, value: str, column: str, new: str) -> None:
    def change(header: list[str], rows: list[list[str]]) -> list[list[str]]:
        at, key_at = header.index(column), header.index(key)
        changed = [r[:at] + [new] + r[at + 1:] if r[key_at] == value else r for r in rows]
        assert changed != rows, f"{path.name} has no {key} {value}"
        return changed

    _rewrite(path, change)


def _changes_to_make(warehouse: Path, landing: Path) -> dict[str, str | int]:
    """Rows of the day before's build that the new day changes: a tracking code moved from its
    campaign (which takes another) to the first campaign, an order of the current month moved to
    an old session without orders, a lesson's video length, an enrollment of the current month
    given to another student."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        code, old_campaign, campaign = con.execute(
            "select s.utm_campaign, s.campaign_id, (select min(campaign_id) from staging.stg_marketing__campaigns) "
            "from marts.fct_sessions as s where s.campaign_id > (select min(campaign_id) "
            "from staging.stg_marketing__campaigns) order by s.utm_campaign limit 1"
        ).fetchone()
        current_month = _latest(landing, "marketplace", "orders").as_posix()
        order = con.execute(
            "select order_id from staging.stg_marketplace__orders where session_id is not null "
            "and _source_file = ? order by order_id limit 1",
            [current_month.split("/landing/")[-1]],
        ).fetchone()[0]
        session = con.execute(
            "select session_id from marts.fct_sessions where orders = 0 order by started_at, session_id limit 1"
        ).fetchone()[0]
        lesson, seconds = con.execute(
            "select lesson_id, max(lesson_video_seconds) + 1 from intermediate.int_lesson_activity_joined "
            "group by lesson_id order by lesson_id limit 1"
        ).fetchone()
        enrollments = _latest(landing, "learning", "enrollments").as_posix().split("/landing/")[-1]
        enrollment, student = con.execute(
            "select e.enrollment_id, (select min(student_id) from staging.stg_marketplace__students "
            "where student_id <> e.student_id) from staging.stg_learning__enrollments as e "
            "where e._source_file = ? and e.enrollment_id in "
            "(select enrollment_id from marts.fct_lesson_activity) order by e.enrollment_id limit 1",
            [enrollments],
        ).fetchone()
    return {
        "reattributed_code": code,
        "old_campaign": str(old_campaign),
        "new_campaign": campaign,
        "moved_order": str(order),
        "to_session": session,
        "changed_lesson": str(lesson),
        "new_video_seconds": seconds,
        "changed_enrollment": str(enrollment),
        "new_student": str(student),
    }


def _rule_breaks(warehouse: Path, landing: Path) -> dict[str, str]:
    """Rows of earlier months the new day breaks a consistency rule of, through a re-sent earlier
    month file of another entity: an order moved after its payment (payment_before_order), the one
    enrollment behind a review given to another student (review_without_enrollment)."""
    current = {
        entity: _latest(landing, source, entity).as_posix().split("/landing/")[-1]
        for source, entity in (("marketplace", "orders"), ("learning", "enrollments"))
    }
    with duckdb.connect(str(warehouse), read_only=True) as con:
        payment, order, orders_file, after = con.execute(
            "select p.payment_id, o.order_id, o._source_file, "
            "strftime(p.attempted_at + interval 1 day, '%Y-%m-%dT%H:%M:%S+00:00') "
            "from staging.stg_marketplace__payments as p join staging.stg_marketplace__orders as o using (order_id) "
            "where o._source_file <> ? order by p.payment_id limit 1",
            [current["orders"]],
        ).fetchone()
        review, enrollment, enrollments_file, student = con.execute(
            "select r.review_id, e.enrollment_id, e._source_file, "
            "(select min(student_id) from staging.stg_marketplace__students where student_id <> r.student_id) "
            "from staging.stg_marketplace__reviews as r join staging.stg_learning__enrollments as e "
            "using (student_id, course_id) where e._source_file <> ? and (select count(*) "
            "from staging.stg_learning__enrollments as same where same.student_id = r.student_id "
            "and same.course_id = r.course_id) = 1 order by r.review_id limit 1",
            [current["enrollments"]],
        ).fetchone()
    _set(landing / orders_file, "order_id", str(order), "ordered_at", after)
    _set(landing / enrollments_file, "enrollment_id", str(enrollment), "student_id", str(student))
    return {"invalidated_payment": str(payment), "invalidated_review": str(review)}


def _day_before(root: Path, seed: int) -> tuple[Path, Path]:
    """A small dataset generated under `root` and its landing dir as of the day before its last."""
    generated, landing = root / "generated", root / "landing"
    generate(GeneratorConfig(scale=0.01, seed=seed, end_date=datetime(2026, 11, 3).date(), defect_rate=0.01,
                             out_dir=generated))
    end = dataset_end(generated)
    assert end is not None
    prepare_day_before(generated, landing, end)
    return generated, landing


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Changes]:
    root = tmp_path_factory.mktemp("incremental")
    generated, landing = _day_before(root, seed=11)
    missing = _students_with_sessions(landing, 3)
    _rewrite(_snapshot(landing, "students"), lambda header, rows: [r for r in rows if r[0] not in missing])

    incremental = Settings(warehouse_path=root / "incremental.duckdb", landing_dir=landing)
    assert not land(landing, incremental.warehouse_path).failed
    _build(incremental)
    orphaned_before = _orphaned_sessions(incremental.warehouse_path, missing)

    deliver_new_day(generated, landing)
    changes = Changes(
        missing,
        orphaned_before,
        **_changes_to_make(incremental.warehouse_path, landing),
        **_rule_breaks(incremental.warehouse_path, landing),
    )
    current_sessions = sorted((landing / "web_analytics" / "sessions").glob("*.csv"))[-1]

    def correct_first_session(header: list[str], rows: list[list[str]]) -> list[list[str]]:
        at = header.index("pageviews")
        rows[0][at] = str(int(rows[0][at] or 0) + 7)
        return rows

    _rewrite(current_sessions, correct_first_session)
    links = _latest(landing, "marketing", "tracking_links")
    _set(links, "utm_campaign", changes.reattributed_code, "campaign_id", str(changes.new_campaign))
    _set(_latest(landing, "marketing", "campaigns"), "campaign_id", changes.old_campaign, "utm_campaign",
         changes.reattributed_code + "_retired")
    _set(_latest(landing, "marketplace", "orders"), "order_id", changes.moved_order, "session_id", changes.to_session)
    _set(_latest(landing, "learning", "lessons"), "lesson_id", changes.changed_lesson, "video_seconds",
         str(changes.new_video_seconds))
    _set(_latest(landing, "learning", "enrollments"), "enrollment_id", changes.changed_enrollment, "student_id",
         changes.new_student)
    assert not land(landing, incremental.warehouse_path).failed
    full = Settings(warehouse_path=root / "full.duckdb", landing_dir=landing)
    shutil.copy(incremental.warehouse_path, full.warehouse_path)

    _build(incremental, data_tests=True)
    _build(full, "--full-refresh")
    return incremental.warehouse_path, full.warehouse_path, changes


def test_an_incremental_build_equals_a_full_refresh(warehouses: tuple[Path, Path, Changes]):
    incremental, full, _ = warehouses
    assert _compare_all(incremental, full) == {}


def test_sessions_of_students_landed_later_turn_valid(warehouses: tuple[Path, Path, Changes]):
    incremental, _, changes = warehouses
    with duckdb.connect(str(incremental), read_only=True) as con:
        staged = con.execute(
            "select count(*) from staging.stg_web_analytics__sessions where list_contains(?, student_id)",
            [sorted(changes.missing_students)],
        ).fetchone()[0]
    assert changes.orphaned_before > 0
    assert _orphaned_sessions(incremental, changes.missing_students) == 0
    assert staged > 0


def test_changes_of_old_rows_reach_the_facts(warehouses: tuple[Path, Path, Changes]):
    """Each change reaches rows no new delivery touched: sessions of a reattributed code, the old
    session an order moved to, the events of a changed lesson and of a reassigned enrollment."""
    incremental, _, changes = warehouses
    with duckdb.connect(str(incremental), read_only=True) as con:
        campaigns = con.execute(
            "select distinct campaign_id from marts.fct_sessions where utm_campaign = ?", [changes.reattributed_code]
        ).fetchall()
        orders = con.execute(
            "select orders from marts.fct_sessions where session_id = ?", [changes.to_session]
        ).fetchone()
        seconds = con.execute(
            "select distinct lesson_video_seconds from intermediate.int_lesson_activity_joined where lesson_id = ?",
            [changes.changed_lesson],
        ).fetchall()
        students = con.execute(
            "select distinct student_id from marts.fct_lesson_activity where enrollment_id = ?",
            [changes.changed_enrollment],
        ).fetchall()
    assert campaigns == [(changes.new_campaign,)]
    assert orders == (1,)
    assert seconds == [(changes.new_video_seconds,)]
    assert students == [(changes.new_student,)]


def test_rows_whose_rule_inputs_changed_are_checked_again(warehouses: tuple[Path, Path, Changes]):
    """A held payment and review no delivery touched break their rules once the order and the
    enrollment they read change."""
    incremental, _, changes = warehouses
    with duckdb.connect(str(incremental), read_only=True) as con:
        payment = con.execute(
            "select dq_reason from staging.quarantine_marketplace__payments where payment_id = ?",
            [changes.invalidated_payment],
        ).fetchall()
        review = con.execute(
            "select dq_reason from staging.quarantine_marketplace__reviews where review_id = ?",
            [changes.invalidated_review],
        ).fetchall()
    assert len(payment) == 1 and payment[0][0].startswith("payment_before_order")
    assert len(review) == 1 and review[0][0].startswith("review_without_enrollment")



# the sessions' typed columns, as their base model names them (the contract's names)
SESSION_VALUES = tuple(f'"{column.name}"' for column in contracts.entity("sessions").columns)


def test_rows_sent_again_unchanged_are_not_written_again(warehouses: tuple[Path, Path, Changes]):
    """The new day re-sends the current month's sessions whole: each row it repeats unchanged is a
    duplicate, the row kept before keeps its first arrival and its stamp, so the facts do not take
    that session in again; the session the file corrects replaces the one kept."""
    incremental, _, changes = warehouses
    same_values = " and ".join(f"held.{c} is not distinct from resent.{c}" for c in SESSION_VALUES)
    earlier = (
        "select 1 from staging.base_web_analytics__sessions as held where held.\"sessionId\" = resent.\"sessionId\" "
        "and held._loaded_at < resent._loaded_at and held._dq_reason is null"
    )
    with duckdb.connect(str(incremental), read_only=True) as con:
        build, refresh = con.execute(
            "select min(_written_at), max(_written_at) from staging.base_web_analytics__sessions"
        ).fetchone()
        con.execute(f"""
            create temp table resent as
            select
                resent."sessionId" as session_id,
                resent._is_duplicate,
                resent._written_at,
                exists ({earlier} and {same_values}) as is_repeat,
                exists ({earlier}) as has_earlier
            from staging.base_web_analytics__sessions as resent
            where resent._loaded_at = (select max(_loaded_at) from staging.base_web_analytics__sessions)
                and resent._dq_reason is null
        """)
        repeats, repeats_duplicate, sessions_repeated = con.execute(
            "select count(*), count(*) filter (where _is_duplicate), count(distinct session_id) from resent "
            "where is_repeat"
        ).fetchone()
        kept_since_build = con.execute(
            "select count(*) filter (where _written_at = ?), count(*) from staging.stg_web_analytics__sessions "
            "where session_id in (select session_id from resent where is_repeat)",
            [build],
        ).fetchone()
        corrections = con.execute(
            "select count(*), count(*) filter (where not _is_duplicate and _written_at = ?) "
            "from resent where has_earlier and not is_repeat",
            [refresh],
        ).fetchone()
        # the facts write a repeated session again only when its campaign or its orders changed:
        # the reattributed code's sessions, those of the orders written again or new (the moved
        # order's new session among them) and the session the moved order left
        taken_in_again = con.execute(
            "select count(*) from marts.fct_sessions where _written_at = ? and session_id in "
            "(select session_id from resent where is_repeat) and utm_campaign is distinct from ? "
            "and session_id not in (select session_id from marts.fct_orders where _written_at = ? "
            "and session_id is not null)",
            [refresh, changes.reattributed_code, refresh],
        ).fetchone()[0]
    assert build < refresh
    assert repeats > 100 and repeats_duplicate == repeats
    assert kept_since_build[0] == kept_since_build[1] == sessions_repeated
    assert corrections[0] >= 1 and corrections[1] == corrections[0]
    assert taken_in_again <= 1


def test_rules_check_again_only_rows_whose_parent_changed(warehouses: tuple[Path, Path, Changes]):
    """The new day re-sends the students' snapshot and months of orders: a post is checked against
    its author's signup, a payment against its order's time, but only the posts of students whose
    kept row changed (those the day before lacked) and the payments of orders whose kept row
    changed are derived and written again; a parent sent again unchanged checks nothing again."""
    incremental, _, changes = warehouses
    with duckdb.connect(str(incremental), read_only=True) as con:
        stamps = {
            child: con.execute(f"select min(_written_at), max(_written_at) from staging.{child}").fetchone()
            for child in ("base_community__posts", "base_marketplace__payments")
        }

        def rewritten_parents(child: str, key: str) -> set[str]:
            first, last = stamps[child]
            rows = con.execute(
                f"select distinct {key} from staging.{child} where _loaded_at < ? and _written_at = ?", [first, last]
            ).fetchall()
            return {value for (value,) in rows}

        posts_checked = rewritten_parents("base_community__posts", "student_id")
        payments_checked = rewritten_parents("base_marketplace__payments", "order_id")
        # the orders whose kept row the refresh wrote: new, corrected, or turned valid (those of
        # the students the day before lacked) or invalid
        orders_changed = {
            order
            for (order,) in con.execute(
                "select order_id from staging.base_marketplace__orders where _written_at = ? "
                "and not _is_duplicate",
                [stamps["base_marketplace__payments"][1]],
            ).fetchall()
        }
        payments_of_current_month = con.execute(
            "select count(*) from staging.stg_marketplace__payments where order_id in "
            "(select order_id from staging.base_marketplace__orders where _loaded_at = "
            "(select max(_loaded_at) from staging.base_marketplace__orders))"
        ).fetchone()[0]
        held_posts = con.execute(
            "select count(*) from staging.base_community__posts where _loaded_at < ?",
            [stamps["base_community__posts"][0]],
        ).fetchone()[0]
    assert held_posts > 100 and payments_of_current_month > 50
    assert posts_checked <= changes.missing_students
    assert changes.moved_order in orders_changed and payments_checked <= orders_changed


@pytest.fixture(scope="module")
def backfilled(warehouses: tuple[Path, Path, Changes], tmp_path_factory: pytest.TempPathFactory):
    """A copy of the incremental warehouse after a backfill of one month with nothing new landed:
    (its path, the full refresh, the window, the stamp the backfill wrote)."""
    incremental, full, _ = warehouses
    copy = tmp_path_factory.mktemp("backfill") / "incremental.duckdb"
    shutil.copy(incremental, copy)
    with duckdb.connect(str(copy), read_only=True) as con:
        first = con.execute("select min(ordered_at) from staging.stg_marketplace__orders").fetchone()[0]
    start = (first.replace(day=1) + timedelta(days=32)).replace(day=1)  # the first whole month
    window = (start.date(), (start + timedelta(days=32)).replace(day=1).date())
    vars_ = f"{{rederive_from: '{window[0]}', rederive_to: '{window[1]}'}}"
    _build(Settings(warehouse_path=copy, landing_dir=incremental.parent / "landing"), "--vars", vars_)
    with duckdb.connect(str(copy), read_only=True) as con:
        stamp = con.execute("select max(_written_at) from staging.base_marketplace__orders").fetchone()[0]
    return copy, full, window, stamp


def test_a_backfill_window_equals_a_full_refresh(backfilled):
    copy, full, _, _ = backfilled
    assert _compare_all(copy, full) == {}


def test_a_backfill_derives_again_the_rows_of_its_window_and_what_follows_them(backfilled):
    """The base rows whose business time falls in the window, and only they when nothing else
    changed, are written again; the models reading them follow (the window's sessions in fct_sessions)."""
    copy, _, (start, end), stamp = backfilled
    in_window = "ordered_at >= cast(? as timestamp) and ordered_at < cast(? as timestamp)"
    with duckdb.connect(str(copy), read_only=True) as con:
        orders = con.execute(
            f"select ({in_window}) as in_window, _written_at = ? as written, count(*) "
            "from staging.base_marketplace__orders group by all order by all",
            [start, end, stamp],
        ).fetchall()
        sessions = con.execute(
            "select count(*) filter (where _written_at = ?), count(*) from marts.fct_sessions "
            "where started_at >= cast(? as timestamp) and started_at < cast(? as timestamp)",
            [stamp, start, end],
        ).fetchone()
    counts = {(window, written): n for window, written, n in orders}
    assert counts.get((True, True), 0) > 0
    assert counts.get((True, False), 0) == 0
    assert counts.get((False, True), 0) == 0
    assert sessions[1] > 0 and sessions[0] == sessions[1]


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ("{rederive_from: '2026-01-01'}", "rederive_to must be an ISO date"),
        ("{rederive_from: '2026-13-01', rederive_to: '2026-02-01'}", "rederive_from must be an ISO date"),
        ("{rederive_from: \"2026-01-01'; drop table x; --\", rederive_to: '2026-02-01'}", "rederive_from must be"),
        ("{rederive_from: '2026-02-01', rederive_to: '2026-01-01'}", "backfill window is empty"),
    ],
)
def test_a_malformed_backfill_window_is_refused_by_name(backfilled, window: str, message: str):
    copy, _, _, _ = backfilled
    summary = run_dbt(
        ["build", "--select", "base_marketplace__orders", "--vars", window],
        Settings(warehouse_path=copy, landing_dir=copy.parent),
    )
    assert not summary.success
    assert message in " ".join(summary.failures)


@pytest.fixture(scope="module")
def tested_copy(warehouses: tuple[Path, Path, Changes], tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A copy of the incremental warehouse whose last build is recorded as complete and passing."""
    incremental, _, _ = warehouses
    copy = tmp_path_factory.mktemp("tested") / "incremental.duckdb"
    shutil.copy(incremental, copy)
    record_tested_build(copy)
    return Settings(warehouse_path=copy, landing_dir=copy.parent)


def _test_sessions(settings: Settings, scoped: bool) -> dict[str, str]:
    """The failing tests of the sessions' base and stg models: name -> dbt's message."""
    scope = ["--vars", json.dumps(DATA_TEST_SCOPE)] if scoped else []
    models = ["--select", "base_web_analytics__sessions", "stg_web_analytics__sessions"]
    summary = run_dbt(["test", *models, *scope], settings)
    return dict(line.removeprefix("test ").split(": ", 1) for line in summary.failures)


def test_an_incremental_builds_tests_read_the_rows_written_since_the_last_passing_build(tested_copy: Settings):
    """A null and a repeated key planted in rows the last passing build wrote are not read again by
    the scoped tests (that build read them); a null in a newer row, and newer rows repeating an
    older key, are."""
    stg, base = "staging.stg_web_analytics__sessions", "staging.base_web_analytics__sessions"
    nulls = "not_null_stg_web_analytics__sessions"
    repeated_row = "unique_combination_of_columns_base_web_analytics__sessions__batch_id___row_number"
    with duckdb.connect(str(tested_copy.warehouse_path)) as con:
        old, other = con.execute(f"select session_id from {stg} order by session_id limit 2").fetchall()
        # the stg model is a view of its base model's staged rows: the rows are planted there
        con.execute(f'update {base} set "deviceCategory" = null where "sessionId" = ?', [old[0]])
        con.execute(f"insert into {base} select * from {base} order by _batch_id, _row_number limit 1")
    unscoped = _test_sessions(tested_copy, False)
    assert nulls in unscoped and repeated_row in unscoped
    scoped = _test_sessions(tested_copy, True)
    assert nulls not in scoped and repeated_row not in scoped

    with duckdb.connect(str(tested_copy.warehouse_path)) as con:
        con.execute(
            f'update {base} set "landingPage" = null, "sessionId" = ?, _written_at = _written_at + interval 1 hour '
            'where "sessionId" = ? and _dq_reason is null and not _is_duplicate',
            [old[0], other[0]],
        )
        con.execute(
            f"insert into {base} select * replace (_written_at + interval 1 hour as _written_at) from {base} "
            "order by _batch_id desc, _row_number desc limit 1"
        )
    scoped = _test_sessions(tested_copy, True)
    # the newer row's null landing page, not the older row's null device
    assert scoped[nulls].startswith("Got 1 result")
    assert "unique_stg_web_analytics__sessions_session_id" in scoped
    assert repeated_row in scoped


def test_the_big_marts_unique_tests_read_only_keys_written_since_the_last_passing_build(tested_copy: Settings):
    """fct_sessions carries the stamp for this: a session repeated in a row the last passing build
    wrote is not read again by the scoped `unique`, a newer row repeating it is."""
    mart, unique = "marts.fct_sessions", "unique_fct_sessions_session_id"

    def failing(scoped: bool) -> set[str]:
        scope = ["--vars", json.dumps(DATA_TEST_SCOPE)] if scoped else []
        summary = run_dbt(["test", "--select", "fct_sessions", *scope], tested_copy)
        return {line.removeprefix("test ").split(": ", 1)[0] for line in summary.failures}

    with duckdb.connect(str(tested_copy.warehouse_path)) as con:
        con.execute(f"insert into {mart} select * from {mart} order by session_id limit 1")
    assert unique in failing(scoped=False)
    assert unique not in failing(scoped=True)

    with duckdb.connect(str(tested_copy.warehouse_path)) as con:
        con.execute(
            f"update {mart} set _written_at = _written_at + interval 1 hour "
            f"where rowid = (select max(rowid) from {mart})"
        )
    assert unique in failing(scoped=True)


def test_an_aggregate_derives_again_only_the_days_its_input_changed(
    warehouses: tuple[Path, Path, Changes], tmp_path_factory: pytest.TempPathFactory
):
    """platform_traffic_hourly after fct_sessions changed without a new stamp: a session moved to
    another day and every session of a day deleted are found by their counts (both days derived
    again, the emptied day dropped); a day nothing changed in is not aggregated again (a value
    planted in it stays)."""
    incremental, _, _ = warehouses
    copy = tmp_path_factory.mktemp("aggregate") / "incremental.duckdb"
    shutil.copy(incremental, copy)
    traffic = "marts.platform_traffic_hourly"
    aggregate = (
        "select date_day, count(*) as sessions, sum(pageviews) as pageviews from marts.fct_sessions "
        "where date_day in ? group by date_day order by date_day"
    )
    with duckdb.connect(str(copy)) as con:
        days = con.execute("select distinct date_day from marts.fct_sessions order by 1 limit 4").fetchall()
        untouched, moved_from, moved_to, emptied = [day for (day,) in days]
        con.execute(f"update {traffic} set pageviews = pageviews + 1000 where date_day = ?", [untouched])
        con.execute(
            "update marts.fct_sessions set date_day = ? where session_id = "
            "(select min(session_id) from marts.fct_sessions where date_day = ?)",
            [moved_to, moved_from],
        )
        con.execute("delete from marts.fct_sessions where date_day = ?", [emptied])
        planted = con.execute(f"select sum(pageviews) from {traffic} where date_day = ?", [untouched]).fetchone()[0]

    settings = Settings(warehouse_path=copy, landing_dir=copy.parent)
    summary = run_dbt(["run", "--select", "platform_traffic_hourly"], settings)
    assert summary.success, summary.failures

    with duckdb.connect(str(copy), read_only=True) as con:
        held = (
            "select date_day, sum(sessions), sum(pageviews) from marts.platform_traffic_hourly "
            "where date_day in ? group by date_day order by date_day"
        )
        changed = [moved_from, moved_to, emptied]
        assert con.execute(held, [changed]).fetchall() == con.execute(aggregate, [changed]).fetchall()
        assert con.execute(f"select count(*) from {traffic} where date_day = ?", [emptied]).fetchone()[0] == 0
        kept = con.execute(f"select sum(pageviews) from {traffic} where date_day = ?", [untouched]).fetchone()[0]
        assert kept == planted


def _run_incrementally_and_in_full(changed: Path, selected: list[str]) -> Path:
    """A copy of `changed` next to it, then `dbt run` of `selected` on `changed` (incremental) and
    with --full-refresh on the copy; returns the copy."""
    full = changed.with_name("full.duckdb")
    shutil.copy(changed, full)
    assert run_dbt(["run", "--select", *selected], Settings(warehouse_path=changed, landing_dir=changed.parent)).success
    refreshed = Settings(warehouse_path=full, landing_dir=changed.parent)
    assert run_dbt(["run", "--full-refresh", "--select", *selected], refreshed).success
    return full


def _differing_models(con: duckdb.DuckDBPyConnection, full: Path, models: dict[str, str]) -> dict[str, int]:
    """The models (name: schema) whose rows differ between `con`'s warehouse and `full`."""
    con.execute(f"attach '{full}' as full_refresh (read_only)")
    catalog = con.execute("select current_database()").fetchone()[0]
    return {model: n for model, schema in models.items() if (n := _differences(con, schema, model, catalog))}


ORDER_CHAIN = {
    "int_orders_converted": "intermediate",
    "int_order_items_enriched": "intermediate",
    "fct_orders": "marts",
    "fct_order_items": "marts",
}


def test_the_order_chain_derives_again_only_what_its_inputs_changed(
    warehouses: tuple[Path, Path, Changes], tmp_path_factory: pytest.TempPathFactory
):
    """The order chain after its inputs changed in place, without new stamps (as when the current
    month arrives again whole): an exchange rate of a day corrected, a course moved to another
    category, a line dropped, a refund dropped, an order given to another student. The incremental
    run gives the rows a full refresh of the chain gives; a planted value in an order none of that
    touches stays, so that order was not derived again."""
    incremental, _, _ = warehouses
    changed = tmp_path_factory.mktemp("order_chain") / "incremental.duckdb"
    shutil.copy(incremental, changed)
    # the stg models are views of their base model: the upstream changes go into the base models
    with duckdb.connect(str(changed)) as con:
        currency, day = con.execute(
            "select currency_code, cast(ordered_at as date) from intermediate.int_orders_converted "
            "where currency_code <> 'USD' order by ordered_at limit 1"
        ).fetchone()
        con.execute(
            "update intermediate.int_exchange_rates_daily set usd_per_unit = usd_per_unit * 1.1 "
            "where currency_code = ? and date_day = ?",
            [currency, day],
        )
        course, category = con.execute(
            "select course_id, (select max(category) from staging.stg_marketplace__courses) || ' (moved)' "
            "from staging.stg_marketplace__order_items order by order_item_id limit 1"
        ).fetchone()
        con.execute("update staging.base_marketplace__courses set category = ? where course_id = ?", [category, course])
        dropped_line = con.execute(
            "select order_item_id from staging.stg_marketplace__order_items where order_id in "
            "(select order_id from staging.stg_marketplace__order_items group by order_id having count(*) > 1) "
            "order by order_item_id desc limit 1"
        ).fetchone()[0]
        con.execute("delete from staging.base_marketplace__order_items where order_item_id = ?", [dropped_line])
        con.execute(
            "delete from staging.base_marketplace__refunds where refund_id = "
            "(select max(refund_id) from staging.stg_marketplace__refunds)"
        )
        moved_order, new_owner = con.execute(
            "select max(order_id), (select min(student_id) from staging.stg_marketplace__students) "
            "from staging.stg_marketplace__orders"
        ).fetchone()
        con.execute("update staging.base_marketplace__orders set student_id = ? where order_id = ?",
                    [new_owner, moved_order])
        untouched = con.execute(
            "select order_id from marts.fct_orders as o where item_count > 0 and currency_code = 'USD' "
            "and student_id <> ? and not exists (select 1 from staging.stg_marketplace__orders as same "
            "where same.student_id = o.student_id and same.order_id = ?) "
            "and order_id not in (select order_id from staging.stg_marketplace__order_items where course_id = ?) "
            "order by order_id limit 1",
            [new_owner, moved_order, course],
        ).fetchone()[0]
        con.execute("update marts.fct_orders set net_usd = net_usd + 1000 where order_id = ?", [untouched])
    full = _run_incrementally_and_in_full(changed, ["int_payments_converted", "int_refunds_converted", *ORDER_CHAIN])

    with duckdb.connect(str(changed)) as con:
        kept = con.execute("select net_usd from marts.fct_orders where order_id = ?", [untouched]).fetchone()[0]
        con.execute("update marts.fct_orders set net_usd = net_usd - 1000 where order_id = ?", [untouched])
        differing = _differing_models(con, full, ORDER_CHAIN)
        full_net = con.execute(
            "select net_usd from full_refresh.marts.fct_orders where order_id = ?", [untouched]
        ).fetchone()[0]
        dropped = con.execute(
            "select count(*) from marts.fct_order_items where order_item_id = ?", [dropped_line]
        ).fetchone()[0]
    assert dropped == 0
    assert differing == {}
    assert kept == full_net + 1000


ENROLLMENT_CHAIN = {"int_enrollments_progress": "intermediate", "fct_enrollments": "marts"}


def test_the_enrollment_chain_writes_only_the_enrollments_whose_inputs_changed(
    warehouses: tuple[Path, Path, Changes], tmp_path_factory: pytest.TempPathFactory
):
    """The enrollment chain after its inputs changed in place: a student's time zone, a course's
    category, a certificate dropped. The incremental run gives the rows a full refresh gives, and
    writes only the enrollments of that student, that course and that certificate: a planted
    value in another enrollment stays."""
    incremental, _, _ = warehouses
    changed = tmp_path_factory.mktemp("enrollment_chain") / "incremental.duckdb"
    shutil.copy(incremental, changed)
    # the stg models are views of their base model: the upstream changes go into the base models
    with duckdb.connect(str(changed)) as con:
        student, course = con.execute(
            "select student_id, course_id from intermediate.int_enrollments_progress order by enrollment_id limit 1"
        ).fetchone()
        con.execute("update staging.base_marketplace__students set timezone = 'Pacific/Auckland' "
                    "where student_id = ?", [student])
        other_course = con.execute(
            "select min(course_id) from intermediate.int_enrollments_progress where course_id <> ?", [course]
        ).fetchone()[0]
        con.execute("update staging.base_marketplace__courses set category = category || ' (moved)' "
                    "where course_id = ?", [other_course])
        certified = con.execute(
            "select enrollment_id from staging.stg_learning__certificates order by enrollment_id desc limit 1"
        ).fetchone()[0]
        con.execute("delete from staging.base_learning__certificates where enrollment_id = ?", [certified])
        expected = con.execute(
            "select count(*) from intermediate.int_enrollments_progress "
            "where student_id = ? or course_id = ? or enrollment_id = ?",
            [student, other_course, certified],
        ).fetchone()[0]
        untouched = con.execute(
            "select enrollment_id from marts.fct_enrollments where student_id <> ? and course_id <> ? "
            "and enrollment_id <> ? order by enrollment_id limit 1",
            [student, other_course, certified],
        ).fetchone()[0]
        con.execute("update marts.fct_enrollments set lessons_total = lessons_total + 1000 where enrollment_id = ?",
                    [untouched])
        stamp = con.execute("select max(_written_at) from intermediate.int_enrollments_progress").fetchone()[0]
    full = _run_incrementally_and_in_full(changed, list(ENROLLMENT_CHAIN))

    with duckdb.connect(str(changed)) as con:
        written = con.execute(
            "select count(*) from intermediate.int_enrollments_progress where _written_at > ?", [stamp]
        ).fetchone()[0]
        kept = con.execute("select lessons_total from marts.fct_enrollments where enrollment_id = ?",
                           [untouched]).fetchone()[0]
        con.execute("update marts.fct_enrollments set lessons_total = lessons_total - 1000 where enrollment_id = ?",
                    [untouched])
        differing = _differing_models(con, full, ENROLLMENT_CHAIN)
        full_total = con.execute("select lessons_total from full_refresh.marts.fct_enrollments where enrollment_id = ?",
                                 [untouched]).fetchone()[0]
    assert differing == {}
    assert 0 < written <= expected
    assert kept == full_total + 1000


SESSIONS_BASE = "base_web_analytics__sessions"


def _held_session_keys(warehouse: Path, path: Path, count: int) -> list[str]:
    """Sessions of `path` (but its last two rows) once in the file, kept valid since the first
    landing."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:-2]
    once = [key for key, n in Counter(row["sessionId"] for row in rows).items() if n == 1]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        kept = con.execute(
            f'select "sessionId" from staging.{SESSIONS_BASE} where list_contains(?, "sessionId") '
            "and _dq_reason is null and not _is_duplicate "
            f"and _loaded_at = (select min(_loaded_at) from staging.{SESSIONS_BASE}) order by 1",
            [once],
        ).fetchall()
    assert len(kept) >= count
    return [key for (key,) in kept[:count]]


def _conflicts(warehouse: Path, key: str) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            f'select count(*) from staging.{SESSIONS_BASE} where "sessionId" = ? and _conflict_with_file is not null',
            [key],
        ).fetchone()[0]


@dataclass(frozen=True)
class Resends:
    changed: str
    invalidated: str
    conflicting: str
    conflicts_when_landed: int
    conflicts_after_next_landing: int


@pytest.fixture(scope="module")
def resent_daily(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Resends]:
    """The sessions' current month arrives again on four more landings, as a source re-sending its
    month daily does: once with a new day, then with a row changed, one made invalid and, in the
    previous month's file landed in the same run, a copy of a third disagreeing with it (a
    conflict), then with those rows as they first came, then once more. Each landing is followed by
    an incremental run of the sessions' base model; a copy of the last refreshes fully."""
    root = tmp_path_factory.mktemp("resent")
    generated, landing = _day_before(root, seed=5)
    settings = Settings(warehouse_path=root / "incremental.duckdb", landing_dir=landing)

    def land_and_run() -> None:
        assert not land(landing, settings.warehouse_path).failed
        _build(settings, "--select", f"+{SESSIONS_BASE}")

    land_and_run()
    deliver_new_day(generated, landing)
    land_and_run()

    previous, month = sorted((landing / "web_analytics" / "sessions").glob("*.csv"))[-2:]
    with month.open(newline="", encoding="utf-8") as handle:
        first_sent = list(csv.reader(handle))
    changed, invalidated, conflicting = _held_session_keys(settings.warehouse_path, month, 3)

    def edit(header: list[str], rows: list[list[str]]) -> list[list[str]]:
        key, pageviews = header.index("sessionId"), header.index("pageviews")
        for row in rows:
            if row[key] == changed:
                row[pageviews] = str(int(row[pageviews] or 0) + 7)
            if row[key] == invalidated:
                row[pageviews] = "many"
        return rows

    def disagree(header: list[str], rows: list[list[str]]) -> list[list[str]]:
        key, duration = header.index("sessionId"), header.index("durationSeconds")
        copy = next(list(row) for row in first_sent[1:] if row[key] == conflicting)
        copy[duration] = str(int(copy[duration] or 0) + 1)
        return [*rows, copy]

    _rewrite(month, edit)
    _rewrite(previous, disagree)
    land_and_run()
    conflicts_when_landed = _conflicts(settings.warehouse_path, conflicting)
    # as first sent, less its last row (so the file differs from each version landed before)
    _rewrite(month, lambda header, rows: [list(row) for row in first_sent[1:-1]])
    land_and_run()
    conflicts_after_next_landing = _conflicts(settings.warehouse_path, conflicting)
    _rewrite(month, lambda header, rows: [list(row) for row in first_sent[1:-2]])
    land_and_run()

    full = root / "full.duckdb"
    shutil.copy(settings.warehouse_path, full)
    _build(Settings(warehouse_path=full, landing_dir=landing), "--select", f"+{SESSIONS_BASE}", "--full-refresh")
    resends = Resends(changed, invalidated, conflicting, conflicts_when_landed, conflicts_after_next_landing)
    return settings.warehouse_path, full, resends


def test_a_month_sent_again_daily_ranks_as_in_a_full_refresh(resent_daily: tuple[Path, Path, Resends]):
    """Each landing ranks the keys it brings with every row they hold: after five landings of the
    month (a change, an invalid row, a conflict, each undone) the base model holds what a full
    refresh derives, the row kept of a key changed and changed back is its first arrival again, and
    a conflict holds until a later landing brings the key again."""
    incremental, full, resends = resent_daily
    with duckdb.connect(str(incremental)) as con:
        con.execute(f"attach '{full}' as full_refresh (read_only)")
        catalog = con.execute("select current_database()").fetchone()[0]
        assert _differences(con, "staging", SESSIONS_BASE, catalog) == 0
        copies, kept_first = con.execute(
            f'select count(*), bool_and(_is_duplicate = (_loaded_at > (select min(_loaded_at) from '
            f'staging.{SESSIONS_BASE} where "sessionId" = ?))) from staging.{SESSIONS_BASE} '
            '''where "sessionId" = ? and _dq_reason is null''',
            [resends.changed, resends.changed],
        ).fetchone()
    assert copies >= 5 and kept_first
    assert resends.conflicts_when_landed == 1
    assert resends.conflicts_after_next_landing == 0
