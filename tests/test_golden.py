"""Golden test: a tiny hand-written dataset whose KPIs were computed by hand.

tests/golden/landing holds landing files for every contract entity (a few rows each); the story of
the data and the arithmetic behind every expected figure below is in tests/golden/README.md.
The fixture copies the files, lands them and runs the full `dbt build` (models, snapshot, data
and unit tests); each test then checks one pillar's headline figures against the hand-computed
values: money exactly to the cent (Decimal), rates to 1e-9 of the exact fraction.
"""

from __future__ import annotations

import math
import shutil
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from statistics import NormalDist
from typing import Any

import duckdb
import pytest

from orchestration.contracts import ENTITIES
from orchestration.settings import Settings

pytestmark = pytest.mark.slow

GOLDEN_LANDING = Path(__file__).parent / "golden" / "landing"

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


def usd(text: str) -> Decimal:
    return Decimal(text)


def ratio(numerator: Any, denominator: Any) -> Fraction:
    """An exact rate from hand-computed parts (strings for money, ints for counts)."""
    return Fraction(Decimal(str(numerator))) / Fraction(Decimal(str(denominator)))


@pytest.fixture(scope="module")
def warehouse(golden_warehouse: Settings) -> Path:
    return golden_warehouse.warehouse_path


def _rows(warehouse: Path, sql: str) -> list[dict[str, Any]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        result = con.execute(sql)
        columns = [d[0] for d in result.description]
        return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]


def _by(rows: list[dict[str, Any]], key: str) -> dict[Any, dict[str, Any]]:
    return {row[key]: row for row in rows}


def _ids(expected: dict[Any, Any]) -> dict[Any, Any]:
    """Expected rows keyed by the golden ids as written here (1, 101): ids are text keys in the
    warehouse ('1', '101')."""
    return {str(key) if isinstance(key, int) else key: value for key, value in expected.items()}


def _mismatches(label: Any, actual: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Every expected column that differs: Decimal exact, Fraction/float to 1e-9, rest equal."""
    problems = []
    for column, want in expected.items():
        got = actual[column]
        if want is None:
            ok = got is None
        elif isinstance(want, Decimal):
            ok = isinstance(got, Decimal) and got == want
        elif isinstance(want, (Fraction, float)):
            ok = got is not None and got == pytest.approx(float(want), abs=1e-9)
        else:
            ok = got == want
        if not ok:
            shown = float(want) if isinstance(want, Fraction) else want
            problems.append(f"{label} {column}: expected {shown!r}, got {got!r}")
    return problems


def _check(rows_by_key: dict[Any, dict[str, Any]], expected: dict[Any, dict[str, Any]]) -> None:
    if all(isinstance(key, str) for key in rows_by_key):
        expected = _ids(expected)
    assert set(rows_by_key) == set(expected), (sorted(rows_by_key), sorted(expected))
    problems = [p for key, want in expected.items() for p in _mismatches(key, rows_by_key[key], want)]
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------- landing / staging


def test_every_entity_landed_and_only_the_planted_defects_are_quarantined(warehouse: Path) -> None:
    folders = {p.parent.relative_to(GOLDEN_LANDING).as_posix() for p in GOLDEN_LANDING.glob("*/*/*.csv")}
    assert folders == {f"{e.source}/{e.name}" for e in ENTITIES}, "every contract entity needs golden rows"
    accounting = _by(_rows(warehouse, "select * from intermediate.int_row_accounting"), "entity")
    assert set(accounting) == {e.name for e in ENTITIES}
    quarantined = {entity: row["quarantined_rows"] for entity, row in accounting.items() if row["quarantined_rows"]}
    assert quarantined == {
        "orders": 1, "surveys": 1, "tickets": 1, "assessments": 1, "posts": 1, "experiment_assignments": 1,
        "kpi_reports": 1,
    }
    for entity, row in accounting.items():
        assert row["raw_rows"] > 0, entity
        assert row["duplicates_removed"] == 0, entity
        assert row["raw_rows"] == row["staged_rows"] + row["quarantined_rows"], entity

    [order] = _rows(warehouse, "select order_id, dq_reason from staging.quarantine_marketplace__orders")
    assert order == {"order_id": "99", "dq_reason": "currency: not an accepted value 'JPY'"}
    [survey] = _rows(warehouse, "select response_id, dq_reason from staging.quarantine_learning__surveys")
    assert survey == {"response_id": "8", "dq_reason": "nps_score: above maximum 10 (11)"}
    [ticket] = _rows(warehouse, "select ticket_id, dq_reason from staging.quarantine_support__tickets")
    assert ticket["ticket_id"] == "8"
    assert ticket["dq_reason"].startswith("response_before_ticket: first_response_at 2026-03-12 17:00:00 is before")
    [assessment] = _rows(warehouse, "select assessment_id, dq_reason from staging.quarantine_learning__assessments")
    assert assessment == {
        "assessment_id": "17",
        "dq_reason": "assessment_before_enrollment: submitted_at 2026-02-05 18:00:00 is before "
        "its enrollment's enrolled_at 2026-02-05 19:02:00",
    }
    [post] = _rows(warehouse, "select post_id, dq_reason from staging.quarantine_community__posts")
    assert post == {
        "post_id": "9",
        "dq_reason": "post_before_signup: posted_at 2026-02-03 12:00:00 is before its author's signup_at "
        "2026-02-03 14:30:00",
    }
    [assignment] = _rows(
        warehouse, "select assignment_id, dq_reason from staging.quarantine_experimentation__experiment_assignments"
    )
    assert assignment == {
        "assignment_id": "9",
        "dq_reason": "assignment_before_start: assigned_at 2026-03-08 20:00:00 is before its experiment's "
        "started_at 2026-03-09 09:00:00",
    }
    [report] = _rows(warehouse, "select report_id, dq_reason from staging.quarantine_manual__kpi_reports")
    assert report == {"report_id": "9", "dq_reason": "verified_by: required value missing"}
    # ...and excluded downstream: 11 orders, 7 survey responses in the marts
    assert _rows(warehouse, "select count(*) as n from marts.fct_orders where order_id = 99") == [{"n": 0}]
    assert _rows(warehouse, "select sum(survey_responses) as n from marts.course_success_by_course") == [{"n": 7}]


def test_the_views_read_in_a_copy_of_the_warehouse_under_another_name(warehouse: Path, tmp_path: Path) -> None:
    """A DuckDB view names tables as written: one naming the warehouse's database (the file's
    name) breaks in a copy under another name, a backup or a test's copy."""
    copy = tmp_path / "renamed.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy), read_only=True) as con:
        views = con.execute(
            "select schema_name, view_name from duckdb_views() where not internal and database_name = 'renamed'"
        ).fetchall()
        assert ("staging", "stg_web_analytics__sessions") in views
        for schema, view in views:
            assert con.execute(f'select count(*) from "{schema}"."{view}"').fetchone()[0] >= 0, view


# ---------------------------------------------------------------------------- revenue


def test_revenue_monthly(warehouse: Path) -> None:
    rows = _by(_rows(warehouse, "select * from marts.revenue_monthly"), "month_start")
    _check(
        rows,
        {
            JAN: {
                "orders": 4,
                "paid_orders": 3,
                "discounted_paid_orders": 1,
                "refunded_paid_orders": 1,
                "payment_attempts": 4,
                "succeeded_payment_attempts": 2,
                "refunds": 0,
                "gross_usd": usd("273.70"),
                "discount_usd": usd("12.65"),
                "net_usd": usd("261.05"),
                "discounted_net_usd": usd("113.85"),
                "collected_usd": usd("264.65"),
                "refunded_usd": usd("0.00"),
                "revenue_usd": usd("264.65"),
                "cumulative_revenue_usd": usd("264.65"),
                "revenue_mom_growth_rate": None,
                "average_order_value_usd": ratio("264.65", 3),
                "discount_rate": ratio("12.65", "273.70"),
                "discounted_order_share": ratio(1, 3),
                "discounted_revenue_share": ratio("113.85", "261.05"),
                "refund_rate": ratio(0, "264.65"),
                "refunded_order_rate": ratio(1, 3),
                "payment_success_rate": ratio(2, 4),
                "order_payment_success_rate": ratio(3, 4),
            },
            FEB: {
                "orders": 4,
                "paid_orders": 4,
                "discounted_paid_orders": 1,
                "refunded_paid_orders": 0,
                "payment_attempts": 6,
                "succeeded_payment_attempts": 5,
                "refunds": 1,
                "gross_usd": usd("269.80"),
                "discount_usd": usd("20.00"),
                "net_usd": usd("249.80"),
                "collected_usd": usd("249.80"),
                "refunded_usd": usd("72.45"),
                "revenue_usd": usd("177.35"),
                "prior_month_revenue_usd": usd("264.65"),
                "cumulative_revenue_usd": usd("442.00"),
                "revenue_mom_growth_rate": ratio("-87.30", "264.65"),
                "average_order_value_usd": ratio("249.80", 4),
                "discount_rate": ratio("20.00", "269.80"),
                "discounted_order_share": ratio(1, 4),
                "discounted_revenue_share": ratio("80.00", "249.80"),
                "refund_rate": ratio("72.45", "249.80"),
                "payment_success_rate": ratio(5, 6),
                "order_payment_success_rate": ratio(4, 4),
            },
            MAR: {
                "orders": 3,
                "paid_orders": 3,
                "discounted_paid_orders": 1,
                "payment_attempts": 3,
                "succeeded_payment_attempts": 3,
                "refunds": 0,
                "gross_usd": usd("235.20"),
                "discount_usd": usd("12.60"),
                "net_usd": usd("222.60"),
                "collected_usd": usd("222.60"),
                "refunded_usd": usd("0.00"),
                "revenue_usd": usd("222.60"),
                "cumulative_revenue_usd": usd("664.60"),
                "revenue_mom_growth_rate": ratio("45.25", "177.35"),
                "average_order_value_usd": ratio("222.60", 3),
                "discount_rate": ratio("12.60", "235.20"),
                "discounted_order_share": ratio(1, 3),
                "refund_rate": ratio(0, "222.60"),
                "payment_success_rate": ratio(3, 3),
            },
        },
    )


def test_revenue_summary(warehouse: Path) -> None:
    [summary] = _rows(warehouse, "select * from marts.revenue_summary")
    problems = _mismatches(
        "summary",
        summary,
        {
            "first_month_start": JAN,
            "last_month_start": MAR,
            "orders": 11,
            "paid_orders": 10,
            "discounted_paid_orders": 3,
            "payment_attempts": 13,
            "succeeded_payment_attempts": 10,
            "gross_usd": usd("778.70"),
            "discount_usd": usd("45.25"),
            "net_usd": usd("733.45"),
            "collected_usd": usd("737.05"),
            "refunded_usd": usd("72.45"),
            "revenue_usd": usd("664.60"),
            "average_order_value_usd": ratio("737.05", 10),
            "discounted_order_share": ratio(3, 10),
            "refund_rate": ratio("72.45", "737.05"),
            "refunded_order_rate": ratio(1, 10),
            "payment_success_rate": ratio(10, 13),
            "order_payment_success_rate": ratio(10, 11),
        },
    )
    assert not problems, "\n".join(problems)


def test_revenue_by_category_monthly(warehouse: Path) -> None:
    rows = _rows(warehouse, "select * from marts.revenue_by_category_monthly")
    by_key = {(r["category"], r["month_start"]): r for r in rows}
    _check(
        by_key,
        {
            ("development", JAN): {"net_usd": usd("94.55"), "revenue_usd": usd("94.55")},
            ("development", FEB): {"net_usd": usd("90.00"), "revenue_usd": usd("90.00")},
            ("development", MAR): {"net_usd": usd("45.00"), "revenue_usd": usd("45.00")},
            ("data_science", JAN): {"net_usd": usd("166.50"), "revenue_usd": usd("166.50")},
            ("data_science", FEB): {
                "net_usd": usd("159.80"),
                "refunded_usd": usd("72.45"),
                "revenue_usd": usd("87.35"),
                "category_revenue_share": ratio("87.35", "177.35"),
            },
            ("data_science", MAR): {"net_usd": usd("177.60"), "revenue_usd": usd("177.60")},
        },
    )


# ---------------------------------------------------------------------------- instructors


def test_instructor_revenue_and_pareto(warehouse: Path) -> None:
    rows = _by(_rows(warehouse, "select * from marts.instructor_performance"), "instructor_id")
    _check(
        rows,
        {
            1: {
                "net_usd": usd("365.05"),
                "refunded_usd": usd("72.45"),
                "revenue_usd": usd("292.60"),
                "revenue_rank": 1,
                "revenue_share": ratio("292.60", "661.00"),
                "is_top_10_pct": True,
                "pareto_segment": "top_10_pct",
                "paid_items": 6,
                "students": 5,
                "average_rating": ratio(13, 3),
                "as_of_day": date(2026, 3, 20),
            },
            2: {
                "net_usd": usd("283.40"),
                "revenue_usd": usd("283.40"),
                "revenue_rank": 2,
                "cumulative_revenue_share": ratio("576.00", "661.00"),
                "is_top_10_pct": False,
                "paid_items": 3,
                "students": 3,
            },
            3: {
                "revenue_usd": usd("85.00"),
                "revenue_rank": 3,
                "cumulative_revenue_share": ratio(1, 1),
                "is_top_10_pct": False,
                "paid_items": 2,
                "students": 2,
            },
        },
    )
    [summary] = _rows(warehouse, "select * from marts.instructor_contribution_summary")
    problems = _mismatches(
        "contribution",
        summary,
        {
            "instructors": 3,
            "instructors_with_revenue": 3,
            "top_instructors": 1,
            "revenue_usd": usd("661.00"),
            "top_10_pct_revenue_usd": usd("292.60"),
            "long_tail_revenue_usd": usd("368.40"),
            "top_10_pct_revenue_share": ratio("292.60", "661.00"),
            "long_tail_revenue_share": ratio("368.40", "661.00"),
            "instructors_for_80_pct_revenue": 2,
        },
    )
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------- portfolio


def test_course_portfolio(warehouse: Path) -> None:
    rows = _by(_rows(warehouse, "select * from marts.course_portfolio"), "course_id")
    _check(
        rows,
        {
            101: {
                "enrollments": 4,
                "completed_enrollments": 1,
                "completion_rate": ratio(1, 4),
                "paid_items": 3,
                "net_usd": usd("144.55"),
                "revenue_usd": usd("144.55"),
                "revenue_rank": 3,
                "revenue_rank_in_category": 1,
                "as_of_day": date(2026, 3, 20),
            },
            102: {
                "enrollments": 4,
                "completed_enrollments": 0,
                "paid_items": 3,
                "net_usd": usd("220.50"),
                "refunded_usd": usd("72.45"),
                "revenue_usd": usd("148.05"),
                "revenue_rank": 2,
                "revenue_rank_in_category": 2,
            },
            103: {
                "enrollments": 3,
                "paid_items": 3,
                "revenue_usd": usd("283.40"),
                "revenue_rank": 1,
                "revenue_rank_in_category": 1,
            },
            104: {
                "enrollments": 2,
                "completed_enrollments": 1,
                "completion_rate": ratio(1, 2),
                "paid_items": 2,
                "revenue_usd": usd("85.00"),
                "revenue_rank": 4,
                "revenue_rank_in_category": 2,
                "lifecycle_stage": "launch",
            },
        },
    )
    total = _rows(warehouse, "select sum(enrollments) as enrollments, count(*) as courses from marts.course_portfolio")
    assert total == [{"enrollments": 13, "courses": 4}]  # 13 / 4 = 3.25 enrollments per course


# ---------------------------------------------------------------------------- engagement


def test_monthly_active_students(warehouse: Path) -> None:
    rows = _by(_rows(warehouse, "select * from marts.engagement_active_students_monthly"), "month_start")
    _check(
        rows,
        {
            JAN: {
                "days_in_data": 30,
                "is_complete_month": False,
                "active_students": 4,
                "learning_active_students": 3,
                "avg_daily_active_students": ratio(8, 30),
                "dau_mau_stickiness_rate": ratio(8, 30 * 4),
                "active_students_growth_rate": None,
            },
            FEB: {
                "days_in_data": 28,
                "is_complete_month": True,
                "active_students": 5,
                "learning_active_students": 4,
                "avg_daily_active_students": ratio(9, 28),
                "active_students_growth_rate": ratio(1, 4),
            },
            MAR: {
                "days_in_data": 20,
                "active_students": 5,
                "learning_active_students": 2,
                "avg_daily_active_students": ratio(6, 20),
                "active_students_growth_rate": ratio(0, 5),
            },
        },
    )


def test_new_vs_returning_students(warehouse: Path) -> None:
    rows = _by(_rows(warehouse, "select * from marts.engagement_new_vs_returning_monthly"), "month_start")
    _check(
        rows,
        {
            JAN: {"enrolling_or_purchasing_students": 4, "new_students": 4, "returning_students": 0},
            FEB: {
                "enrolling_or_purchasing_students": 5,
                "new_students": 2,
                "returning_students": 3,
                "new_student_share": ratio(2, 5),
                "returning_student_share": ratio(3, 5),
            },
            MAR: {"enrolling_or_purchasing_students": 4, "new_students": 0, "returning_students": 4},
        },
    )


def test_enrollments_in_the_students_local_time(warehouse: Path) -> None:
    rows = _by(_rows(warehouse, "select * from marts.fct_enrollments"), "enrollment_id")
    # (ISO day of week, hour) on the student's clock; see the README's time-zone table
    expected = {
        1: (6, 10), 2: (1, 20), 3: (1, 20), 4: (7, 1), 5: (4, 14), 6: (2, 21), 7: (6, 12),
        8: (5, 8), 9: (4, 10), 10: (4, 18), 11: (5, 19), 12: (5, 1), 13: (2, 15),
    }  # fmt: skip
    actual = {k: (r["enrolled_local_day_of_week"], r["enrolled_local_hour"]) for k, r in rows.items()}
    assert actual == _ids(expected)


# ---------------------------------------------------------------------------- course success


def test_course_success_monthly(warehouse: Path) -> None:
    rows = _by(_rows(warehouse, "select * from marts.course_success_monthly"), "month_start")
    _check(
        rows,
        {
            JAN: {
                "enrollments": 4,
                "completed_enrollments": 1,
                "certified_enrollments": 1,
                "completion_rate": ratio(1, 4),
                "certification_rate": ratio(1, 4),
                "survey_responses": 2,
                "promoters": 2,
                "passives": 0,
                "detractors": 0,
                "nps": Fraction(100),
                "csat_rate": ratio(2, 2),
            },
            FEB: {
                "enrollments": 5,
                "completed_enrollments": 1,
                "certified_enrollments": 0,
                "completion_rate": ratio(1, 5),
                "certification_rate": ratio(0, 5),
                "survey_responses": 4,
                "promoters": 0,
                "passives": 2,
                "detractors": 2,
                "nps": 100 * ratio(0 - 2, 4),
                "csat_rate": ratio(1, 4),
                "avg_csat_score": ratio(4 + 3 + 1 + 3, 4),
            },
            MAR: {
                "enrollments": 4,
                "completed_enrollments": 0,
                "completion_rate": ratio(0, 4),
                "completions_in_month": 1,
                "survey_responses": 1,
                "nps": Fraction(100),
                "csat_rate": ratio(1, 1),
            },
        },
    )
    [totals] = _rows(
        warehouse,
        "select sum(enrollments) as enrollments, sum(completed_enrollments) as completed, "
        "sum(certified_enrollments) as certified, sum(survey_responses) as responses, "
        "sum(promoters) as promoters, sum(detractors) as detractors "
        "from marts.course_success_monthly",
    )
    assert totals == {
        "enrollments": 13,
        "completed": 2,
        "certified": 1,
        "responses": 7,
        "promoters": 3,
        "detractors": 2,
    }
    # all-time: completion 2/13, certification 1/13, NPS 100 x (3 - 2) / 7 = 14.29


def test_course_success_by_course(warehouse: Path) -> None:
    rows = _by(_rows(warehouse, "select * from marts.course_success_by_course"), "course_id")
    _check(
        rows,
        {
            101: {
                "completion_rate": ratio(1, 4),
                "certification_rate": ratio(1, 4),
                "module_completion_rate": ratio(2, 8),
                "nps": 100 * ratio(2 - 0, 3),
                "csat_rate": ratio(3, 3),
                "avg_review_rating": ratio(9, 2),
                "avg_days_to_completion": 10 + ratio(2 * 60 + 58, 24 * 60),
            },
            102: {"completion_rate": ratio(0, 4), "nps": 100 * ratio(0 - 1, 2), "csat_rate": ratio(0, 2)},
            103: {
                "completion_rate": ratio(0, 3),
                "nps": 100 * ratio(0 - 1, 1),
                "video_watch_rate": ratio(600 + 1200, 1200 * 3),
            },
            104: {
                "completion_rate": ratio(1, 2),
                "certification_rate": ratio(0, 2),
                "nps": 100 * ratio(1 - 0, 1),
                "avg_days_to_completion": 26 + ratio(3 * 60 + 58, 24 * 60),
            },
        },
    )


# ---------------------------------------------------------------------------- campaigns


def test_campaign_performance(warehouse: Path) -> None:
    rows = _by(_rows(warehouse, "select * from marts.campaign_performance"), "campaign_id")
    _check(
        rows,
        {
            1: {
                "impressions": 20000,
                "reach": 12000,
                "engagements": 665,
                "clicks": 280,
                "spend_usd": usd("200.00"),
                "sessions": 2,
                "bounced_sessions": 1,
                "leads": 1,
                "conversions": 1,
                "converting_customers": 1,
                "attributed_revenue_usd": usd("41.40"),
                "reach_rate": ratio(12000, 20000),
                "ctr": ratio(280, 20000),
                "engagement_rate": ratio(550 + 80 + 35, 12000),
                "cpl_usd": ratio("200.00", 1),
                "cpa_usd": ratio("200.00", 1),
                "roas": ratio("41.40", "200.00"),
                "roi": ratio("-158.60", "200.00"),
            },
            2: {
                "impressions": 60000,
                "reach": 40000,
                "engagements": 1900,
                "clicks": 800,
                "spend_usd": usd("300.00"),
                "leads": 1,
                "conversions": 1,
                "attributed_revenue_usd": usd("50.00"),
                "ctr": ratio(800, 60000),
                "engagement_rate": ratio(1600 + 180 + 120, 40000),
                "cpl_usd": ratio("300.00", 1),
                "roas": ratio("50.00", "300.00"),
            },
        },
    )
    [overall] = _rows(warehouse, "select * from marts.campaign_performance_overall")
    problems = _mismatches(
        "overall",
        overall,
        {
            "spend_usd": usd("500.00"),
            "leads": 2,
            "attributed_revenue_usd": usd("91.40"),
            "ctr": ratio(1080, 80000),
            "engagement_rate": ratio(2565, 52000),
            "cpl_usd": ratio("500.00", 2),
            "roas": ratio("91.40", "500.00"),
        },
    )
    assert not problems, "\n".join(problems)


def test_marketing_attribution_credits_each_channel_by_three_models(warehouse: Path) -> None:
    rows = {
        (row["month_start"], row["channel"]): row
        for row in _rows(warehouse, "select * from marts.marketing_attribution_monthly")
    }

    def alone(revenue: str) -> dict[str, Any]:
        """A channel that was an order's only touch: every model gives it the order whole."""
        return {
            "touched_orders": 1,
            "first_touch_orders": 1,
            "last_touch_orders": 1,
            "linear_orders": 1.0,
            "touched_revenue_usd": usd(revenue),
            "first_touch_revenue_usd": usd(revenue),
            "last_touch_revenue_usd": usd(revenue),
            "linear_revenue_usd": usd(revenue),
        }

    _check(
        rows,
        {
            (JAN, "organic_search"): alone("50.00"),
            (JAN, "influencer"): alone("41.40"),
            (JAN, "paid_search"): alone("100.80"),
            # order 5: student 1's organic visit of 10 Jan (26 days before), then its direct session
            (FEB, "organic_search"): {
                "touched_orders": 1,
                "first_touch_orders": 1,
                "last_touch_orders": 0,
                "linear_orders": 0.5,
                "touched_revenue_usd": usd("80.00"),
                "first_touch_revenue_usd": usd("80.00"),
                "last_touch_revenue_usd": usd("0.00"),
                "linear_revenue_usd": usd("40.00"),
            },
            # orders 5 (last touch) and 8 (student 4's direct visit of 25 Jan, then its own session)
            (FEB, "direct"): {
                "touched_orders": 2,
                "first_touch_orders": 1,
                "last_touch_orders": 2,
                "linear_orders": 1.5,
                "touched_revenue_usd": usd("120.00"),
                "first_touch_revenue_usd": usd("40.00"),
                "last_touch_revenue_usd": usd("120.00"),
                "linear_revenue_usd": usd("80.00"),
            },
            (FEB, "influencer"): alone("50.00"),
            (FEB, "email"): alone("79.80"),
            # the earlier visits of students 2, 3 and 6 are more than 30 days before their orders
            (MAR, "direct"): {
                "touched_orders": 3,
                "first_touch_orders": 3,
                "last_touch_orders": 3,
                "linear_orders": 3.0,
                "touched_revenue_usd": usd("222.60"),
                "first_touch_revenue_usd": usd("222.60"),
                "last_touch_revenue_usd": usd("222.60"),
                "linear_revenue_usd": usd("222.60"),
            },
        },
    )


def test_marketing_acquisition_new_students_by_source(warehouse: Path) -> None:
    rows = _by(_rows(warehouse, "select * from marts.marketing_acquisition_monthly"), "month_start")
    channels = ("organic_search", "paid_search", "social", "email", "referral", "influencer", "direct")

    def month(new: int, courses: int, spend: str, growth: Any, **by_channel: int) -> dict[str, Any]:
        expected = {f"{channel}_new_students": by_channel.get(channel, 0) for channel in channels}
        return expected | {
            "new_enrolled_students": new,
            "course_enrollments": courses,
            "marketing_spend_usd": usd(spend),
            "enrollment_growth_rate": growth,
            "cost_per_enrollment_usd": None if new == 0 else ratio(spend, new),
        }

    _check(
        rows,
        {
            # first enrollments: students 1 (10 Jan, organic search), 3 (12 Jan, influencer), 4
            # (16 Jan through the subscription, direct); course enrollments 1, 2, 3, 12
            JAN: month(3, 4, "250.00", None, organic_search=1, influencer=1, direct=1),
            # students 2 (1 Feb, paid search), 5 (10 Feb, influencer), 6 (14 Feb, email); 4-8
            FEB: month(3, 5, "330.00", 0.0, paid_search=1, influencer=1, email=1),
            # nobody new: enrollments 9, 10, 11, 13 are returning students'
            MAR: month(0, 4, "0.00", ratio(-3, 3)),
        },
    )


def test_marketing_influencer_sales_direct_and_influenced(warehouse: Path) -> None:
    rows = _by(_rows(warehouse, "select * from marts.marketing_influencer_sales_monthly"), "month_start")

    def month(paid: int, revenue: str, direct: str, influencers: int, spend: str, reach: int) -> dict[str, Any]:
        orders = 0 if direct == "0.00" else 1
        return {
            "paid_orders": paid,
            "net_revenue_usd": usd(revenue),
            "direct_orders": orders,
            "direct_sales_usd": usd(direct),
            "influenced_orders": orders,
            "influenced_sales_usd": usd(direct),
            "influenced_only_sales_usd": usd("0.00"),
            "first_touch_sales_usd": usd(direct),
            "linear_sales_usd": usd(direct),
            "active_influencers": influencers,
            "influencer_spend_usd": usd(spend),
            "reach": reach,
            "direct_sales_share": ratio(direct, revenue),
            "revenue_per_influencer_usd": ratio(direct, influencers) if influencers else None,
            "cost_per_reach_usd": ratio(spend, reach) if reach else None,
        }

    _check(
        rows,
        {
            # order 2 in campaign 1's session: 113.85 collected - 72.45 refunded
            JAN: month(3, "192.20", "41.40", 1, "200.00", 12000),
            FEB: month(4, "249.80", "50.00", 1, "300.00", 40000),
            MAR: month(3, "222.60", "0.00", 0, "0.00", 0),
        },
    )


def test_revenue_price_elasticity(warehouse: Path) -> None:
    changes = _by(_rows(warehouse, "select * from marts.revenue_price_changes"), "price_change_id")
    # course 103 cut from 100.00 to 90.00 on 15 Feb; paid lines 18 Jan-14 Feb: course 2 (orders 3,
    # 5), marketplace 4 (orders 3, 5, 6, 7); 16 Feb-15 Mar: course 1 (order 10), marketplace 3
    _check(
        changes,
        {
            3: {
                "course_id": "103",
                "effective_date": date(2026, 2, 15),
                "previous_list_price": usd("100.00"),
                "list_price": usd("90.00"),
                "log_price_ratio": math.log(0.9),
                "is_window_complete": True,
                "course_units_before": 2,
                "course_units_after": 1,
                "marketplace_units_before": 4,
                "marketplace_units_after": 3,
                "expected_units_after": 1.5,
            }
        },
    )
    rows = _by(_rows(warehouse, "select * from marts.revenue_price_elasticity_monthly"), "month_start")
    r = math.log(0.9)
    _check(
        rows,
        {
            # sold less after a cut: (1 - 1.5) x r / (1.5 x r^2), a positive elasticity that one
            # change's three sales cannot support (standard error 7.7)
            FEB: {
                "price_changes": 1,
                "price_increases": 0,
                "price_decreases": 1,
                "course_units_before": 2,
                "course_units_after": 1,
                "expected_units_after": 1.5,
                "price_elasticity": -0.5 * r / (1.5 * r * r),
                "price_elasticity_standard_error": math.sqrt(1 / (1.5 * r * r)),
            }
        },
    )


def test_business_payment_plans_monthly(warehouse: Path) -> None:
    rows = _by(_rows(warehouse, "select * from marts.business_payment_plans_monthly"), "month_start")
    _check(
        rows,
        {
            # paid orders 1 (student 1), 2 (3, a 3-installment plan), 3 (2, placed 31 Jan UTC,
            # a 4-installment plan); order 4 was never paid
            JAN: {
                "is_partial_month": False,
                "buying_students": 3,
                "students_on_plan": 2,
                "paid_orders": 3,
                "orders_on_plan": 2,
                "defaulted_plans": 0,
                "avg_installments": 3.5,
                "payment_plan_adoption_rate": ratio(2, 3),
                "plan_order_share": ratio(2, 3),
            },
            FEB: {
                "buying_students": 4,
                "students_on_plan": 0,
                "paid_orders": 4,
                "orders_on_plan": 0,
                "avg_installments": None,
                "payment_plan_adoption_rate": 0.0,
            },
            # orders 9, 10 (student 3, 6 installments, defaulted), 11; order 99 is quarantined
            MAR: {
                "is_partial_month": True,
                "buying_students": 3,
                "students_on_plan": 1,
                "paid_orders": 3,
                "orders_on_plan": 1,
                "defaulted_plans": 1,
                "avg_installments": 6.0,
                "payment_plan_adoption_rate": ratio(1, 3),
            },
        },
    )


def test_marketing_referrals_monthly(warehouse: Path) -> None:
    rows = _by(_rows(warehouse, "select * from marts.marketing_referrals_monthly"), "month_start")
    assert set(rows) == {JAN, FEB}  # nobody signed up in March
    _check(
        rows,
        {
            # students 1-4: 1 invites on 20 Jan and 10 Feb (student 6 signs up), 3 on 1 Mar (55
            # days after signing up, inside the 90-day window)
            JAN: {
                "is_partial_month": False,
                "new_students": 4,
                "referrers_in_window": 2,
                "referred_students": 0,
                "invitations_sent": 3,
                "friends_signed_up": 1,
                "referral_rate": ratio(2, 4),
                "referred_student_share": 0.0,
            },
            # students 5 (invites on 10 Mar) and 6 (brought by student 1's invitation)
            FEB: {
                "is_partial_month": True,
                "new_students": 2,
                "referrers_in_window": 1,
                "referred_students": 1,
                "invitations_sent": 1,
                "friends_signed_up": 0,
                "referral_rate": ratio(1, 2),
                "referred_student_share": ratio(1, 2),
            },
        },
    )


def test_marketing_leads_monthly(warehouse: Path) -> None:
    rows = _by(_rows(warehouse, "select * from marts.marketing_leads_monthly"), "month_start")
    _check(
        rows,
        {
            # leads 1-4 are students 1-4, each qualified and paying within 90 days; 5, 6 prospects
            JAN: {
                "is_partial_month": False,
                "leads": 6,
                "qualified_leads": 4,
                "signed_up_leads": 4,
                "customers_in_window": 4,
                "influencer_leads": 1,
                "lead_quality_rate": ratio(4, 6),
                "lead_to_customer_rate": ratio(4, 6),
            },
            # leads 7, 8 (students 5, 6) pay; 9 is qualified but has not paid; 10 is new
            FEB: {
                "leads": 4,
                "qualified_leads": 3,
                "signed_up_leads": 2,
                "customers_in_window": 2,
                "influencer_leads": 1,
                "lead_quality_rate": ratio(3, 4),
                "lead_to_customer_rate": ratio(2, 4),
            },
            MAR: {
                "is_partial_month": True,
                "leads": 2,
                "qualified_leads": 1,
                "signed_up_leads": 0,
                "customers_in_window": 0,
                "lead_quality_rate": ratio(1, 2),
                "lead_to_customer_rate": 0.0,
            },
        },
    )


def test_marketing_email_weekly(warehouse: Path) -> None:
    rows = _by(_rows(warehouse, "select * from marts.marketing_email_weekly"), "week_start")

    def week(sends: int, recipients: int, delivered: int, opens: int, clicks: int, unsubscribes: int) -> dict:
        rates = {
            "open_rate": ratio(opens, delivered) if delivered else None,
            "click_rate": ratio(clicks, delivered) if delivered else None,
            "click_to_open_rate": ratio(clicks, opens) if opens else None,
            "unsubscribe_rate": ratio(unsubscribes, delivered) if delivered else None,
        }
        counts = {
            "sends": sends,
            "recipients": recipients,
            "delivered": delivered,
            "unique_opens": opens,
            "unique_clicks": clicks,
            "unsubscribes": unsubscribes,
        }
        return counts | rates

    _check(
        rows,
        {
            date(2026, 1, 5): week(2, 200, 198, 60, 11, 1) | {"is_partial_week": False},  # emails 1, 2
            date(2026, 1, 12): week(1, 120, 120, 30, 3, 0),
            date(2026, 2, 2): week(1, 150, 150, 60, 9, 1),
            date(2026, 3, 2): week(1, 0, 0, 0, 0, 0),  # an onboarding run with nobody to welcome
            date(2026, 3, 9): week(1, 50, 49, 7, 1, 2) | {"is_partial_week": True},
        },
    )


def test_business_upsell_monthly(warehouse: Path) -> None:
    rows = _by(_rows(warehouse, "select * from marts.business_upsell_monthly"), "month_start")
    _check(
        rows,
        {
            # buyers 1 (101), 2 (103, order 3), 3 (101 and 102 in order 2: a repeat buyer at once)
            JAN: {
                "new_buyers": 3,
                "new_repeat_buyers": 1,
                "buyers_to_date": 3,
                "repeat_buyers_to_date": 1,
                "upsell_rate": ratio(1, 3),
            },
            # 4, 5, 6 buy a first course; 1 a second (103). Student 3's refunded 102 still counts.
            FEB: {
                "new_buyers": 3,
                "new_repeat_buyers": 1,
                "buyers_to_date": 6,
                "repeat_buyers_to_date": 2,
                "upsell_rate": ratio(2, 6),
            },
            # 2 (102) and 6 (104) buy a second course; 3 a third
            MAR: {
                "new_buyers": 0,
                "new_repeat_buyers": 2,
                "buyers_to_date": 6,
                "repeat_buyers_to_date": 4,
                "upsell_rate": ratio(4, 6),
                "is_partial_month": True,
            },
        },
    )


def test_marketing_brand_monthly(warehouse: Path) -> None:
    rows = _by(_rows(warehouse, "select * from marts.marketing_brand_monthly"), "month_start")
    _check(
        rows,
        {
            # 2 own mentions (campaign 1's post: positive; one negative) of 10 tracked
            JAN: {
                "brand_mentions": 2,
                "tracked_mentions": 10,
                "positive_brand_mentions": 1,
                "negative_brand_mentions": 1,
                "campaign_brand_mentions": 1,
                "branded_searches": 34,
                "share_of_voice": ratio(2, 10),
                "brand_sentiment_rate": ratio(1, 2),
                "branded_search_growth_rate": None,
            },
            FEB: {
                "brand_mentions": 3,
                "tracked_mentions": 15,
                "positive_brand_mentions": 2,
                "campaign_brand_mentions": 1,
                "branded_searches": 25,
                "share_of_voice": ratio(3, 15),
                "brand_sentiment_rate": ratio(2, 3),
                "branded_search_growth_rate": ratio(25 - 34, 34),
            },
            MAR: {
                "brand_mentions": 1,
                "tracked_mentions": 4,
                "branded_searches": 15,
                "share_of_voice": ratio(1, 4),
                "brand_sentiment_rate": 1.0,
                "branded_search_growth_rate": ratio(15 - 25, 25),
                "is_partial_month": True,
            },
        },
    )


# ---------------------------------------------------------------------------- learning outcomes, community


def test_course_success_outcomes_monthly(warehouse: Path) -> None:
    rows = _by(_rows(warehouse, "select * from marts.course_success_outcomes_monthly"), "month_start")
    _check(
        rows,
        {
            # post-tests: enrollment 1 (40 -> 70) and 2 (its first pre-test 55, not the retake 65,
            # -> 60); cohort: enrollments 1, 2, 3, 12, of which 1 passed its project on 21 Jan
            JAN: {
                "is_partial_month": False,
                "tested_enrollments": 2,
                "avg_pre_test_score": ratio(95, 2),
                "avg_post_test_score": 65.0,
                "avg_score_improvement": ratio(35, 2),
                "enrollments": 4,
                "project_submitting_enrollments": 1,
                "project_passed_in_window_enrollments": 1,
                "project_completion_rate": ratio(1, 4),
            },
            # post-test: enrollment 12 (60 -> 72); cohort: enrollments 4-8, of which 8 passed its
            # project on its second submission (15 Mar, within 60 days); assessment 17 is quarantined
            FEB: {
                "tested_enrollments": 1,
                "avg_pre_test_score": 60.0,
                "avg_post_test_score": 72.0,
                "avg_score_improvement": 12.0,
                "enrollments": 5,
                "project_submitting_enrollments": 1,
                "project_passed_in_window_enrollments": 1,
                "project_completion_rate": ratio(1, 5),
            },
            # post-tests of enrollment 8: the retake of 19 Mar (85) counts, 45 -> 85; cohort:
            # enrollments 9, 10, 11, 13, none with a project
            MAR: {
                "is_partial_month": True,
                "tested_enrollments": 1,
                "avg_pre_test_score": 45.0,
                "avg_post_test_score": 85.0,
                "avg_score_improvement": 40.0,
                "enrollments": 4,
                "project_submitting_enrollments": 0,
                "project_passed_in_window_enrollments": 0,
                "project_completion_rate": 0.0,
            },
        },
    )


def test_engagement_community_monthly(warehouse: Path) -> None:
    rows = _by(_rows(warehouse, "select * from marts.engagement_community_monthly"), "month_start")
    _check(
        rows,
        {
            # thread 1 (student 1) and its replies by 3 and 1
            JAN: {
                "posting_students": 2,
                "thread_starting_students": 1,
                "replying_students": 2,
                "active_students": 4,
                "posts": 3,
                "threads": 1,
                "replies": 2,
                "upvotes": 4,
                "community_participation_rate": ratio(2, 4),
                "replies_per_thread": 2.0,
            },
            # threads 4 (student 2) and 6 (6), reply 5 (1); post 9 is quarantined
            FEB: {
                "posting_students": 3,
                "thread_starting_students": 2,
                "replying_students": 1,
                "active_students": 5,
                "posts": 3,
                "threads": 2,
                "replies": 1,
                "upvotes": 3,
                "community_participation_rate": ratio(3, 5),
                "replies_per_thread": ratio(1, 2),
            },
            MAR: {
                "is_partial_month": True,
                "posting_students": 2,
                "active_students": 5,
                "posts": 2,
                "threads": 1,
                "replies": 1,
                "upvotes": 5,
                "community_participation_rate": ratio(2, 5),
                "replies_per_thread": 1.0,
            },
        },
    )


# ---------------------------------------------------------------------------- experiments


# The macros' normal distribution function (Abramowitz and Stegun 26.2.17) is within 7.5e-8 of the
# exact one, so a two-sided p-value within twice that.
NORMAL_CDF_ERROR = 1.5e-7


def _two_proportion(control: tuple[int, int], treatment: tuple[int, int], tau2: float) -> dict[str, float]:
    """The z-test, its p-value and the look's mSPRT p-value from (units, conversions), written out
    here from the textbook formulas (the README's hand computation) rather than from the macros."""
    (n0, c0), (n1, c1) = control, treatment
    p0, p1, pooled = c0 / n0, c1 / n1, (c0 + c1) / (n0 + n1)
    z = (p1 - p0) / math.sqrt(pooled * (1 - pooled) * (1 / n0 + 1 / n1))
    s2 = p0 * (1 - p0) / n0 + p1 * (1 - p1) / n1
    msprt = math.sqrt((s2 + tau2) / s2) * math.exp(-tau2 * (p1 - p0) ** 2 / (2 * s2 * (s2 + tau2)))
    return {"z": z, "p": 2 * (1 - NormalDist().cdf(abs(z))), "variance": s2, "msprt": min(1.0, msprt)}


def test_experiment_looks_and_results(warehouse: Path) -> None:
    looks = _rows(warehouse, "select * from marts.experiment_looks order by experiment_id, variant, look_date")
    running = [
        (r["experiment_id"], r["variant"], r["look_date"].isoformat(), r["control_units"], r["control_conversions"],
         r["treatment_units"], r["treatment_conversions"])
        for r in looks
    ]
    # experiment 1 assigns on 2 and 3 Feb, the last conversion lands on 4 Feb; experiment 2 has no
    # variant_b unit on 9 Mar (assignment 9 is quarantined: before the start)
    assert running == [
        ("1", "variant_a", "2026-02-02", 2, 0, 2, 2),
        ("1", "variant_a", "2026-02-03", 4, 1, 4, 2),
        ("1", "variant_a", "2026-02-04", 4, 1, 4, 3),
        ("2", "variant_a", "2026-03-09", 1, 0, 1, 1),
        ("2", "variant_a", "2026-03-10", 2, 0, 2, 1),
        ("2", "variant_b", "2026-03-09", 1, 0, 0, 0),
        ("2", "variant_b", "2026-03-10", 2, 0, 1, 0),
    ]
    # 3 Feb: d = 1/4 and the mSPRT ratio is below 1, so its p-value is 1; 4 Feb: d = 1/2
    tau2 = (0.25 * 0.5) ** 2
    assert _two_proportion((4, 1), (4, 2), tau2)["msprt"] == 1.0
    final_look = _two_proportion((4, 1), (4, 3), tau2)
    by_look = {(r["experiment_id"], r["variant"], r["look_date"].isoformat()): r for r in looks}
    assert by_look["1", "variant_a", "2026-02-02"]["always_valid_p_value"] == 1.0  # control rate 0: no tau
    final_p = by_look["1", "variant_a", "2026-02-04"]["always_valid_p_value"]
    assert final_p == pytest.approx(final_look["msprt"], abs=1e-9)
    assert by_look["2", "variant_b", "2026-03-10"]["p_value"] is None  # no conversion in either arm

    results = {
        (r["experiment_id"], r["variant"]): r for r in _rows(warehouse, "select * from marts.experiment_results")
    }
    assert set(results) == {("1", "variant_a"), ("2", "variant_a"), ("2", "variant_b")}
    checkout = results["1", "variant_a"]
    ci_half = NormalDist().inv_cdf(1 - 0.05 / 2) * math.sqrt(final_look["variance"])
    expected = {
        "decision": "stop_no_effect",  # both arms have the planned 4 units, p = 0.89 > 0.05
        "is_winning_variant": False,
        "has_planned_sample": True,
        "has_sample_ratio_mismatch": False,
        "comparison_alpha": 0.05,
        "latest_look_date": date(2026, 2, 4),
        "first_significant_date": None,
        "control_rate": 0.25,
        "treatment_rate": 0.75,
        "rate_difference": 0.5,
        "relative_lift": 2.0,
        "sample_progress": 1.0,
    }
    assert _mismatches("checkout", checkout, expected) == []
    assert checkout["p_value"] == pytest.approx(final_look["p"], abs=NORMAL_CDF_ERROR)  # 0.1573
    assert checkout["sample_ratio_p_value"] == pytest.approx(1.0, abs=NORMAL_CDF_ERROR)  # 4 units in each arm
    assert checkout["always_valid_p_value"] == pytest.approx(final_look["msprt"], abs=1e-9)  # 0.8928
    assert checkout["difference_ci_low"] == pytest.approx(0.5 - ci_half, abs=1e-6)
    assert checkout["difference_ci_high"] == pytest.approx(0.5 + ci_half, abs=1e-6)
    mde = (NormalDist().inv_cdf(0.975) + NormalDist().inv_cdf(0.8)) * math.sqrt(2 * 0.25 * 0.75 / 4)
    assert checkout["minimum_detectable_difference"] == pytest.approx(mde, abs=1e-6)

    # experiment 2 has three arms: each comparison gets alpha / 2; far from its plan of 100
    for variant in ("variant_a", "variant_b"):
        row = results["2", variant]
        assert (row["decision"], row["comparison_alpha"], row["has_planned_sample"]) == ("keep_running", 0.025, False)
        assert row["always_valid_p_value"] == 1.0
    variant_a = _two_proportion((2, 0), (2, 1), 0.0)
    assert results["2", "variant_a"]["p_value"] == pytest.approx(variant_a["p"], abs=NORMAL_CDF_ERROR)
    # variant_b: 1 unit against the control's 2, z = (1 - 3/2) / sqrt(3/4)
    srm = 2 * (1 - NormalDist().cdf(0.5 / math.sqrt(0.75)))
    assert results["2", "variant_b"]["sample_ratio_p_value"] == pytest.approx(srm, abs=NORMAL_CDF_ERROR)


# ---------------------------------------------------------------------------- manual KPIs


def test_manual_kpi_reports_are_checked_scored_and_never_carried_forward(warehouse: Path) -> None:
    reports = _by(_rows(warehouse, "select * from intermediate.int_manual_kpi_reports"), "report_id")
    rejected = {key: row["rejection_reason"] for key, row in reports.items() if not row["is_accepted"]}
    assert rejected == {
        "3": "period not over: 2026-Q1 ends after the report (2026-03-15)",
        "4": "unknown KPI: rev_revenue is not a manual KPI of the catalog",
        # a hostile id is data: kept as written, rejected, never run
        "5": "unknown KPI: x'); drop table raw.orders; -- is not a manual KPI of the catalog",
        "6": "period: 2026-1 is not a monthly period (2026-11 for a month, 2026-Q3 for a quarter)",
        "7": "value out of range: 6.0 is outside 1.0 to 5.0",
        "8": "verification: reported and verified by the same person (Ana)",
    }
    # report 2 corrects report 1 (January's uptime): the newest accepted report is the value
    assert [(k, reports[k]["is_current_report"], reports[k]["is_restatement"]) for k in ("1", "2")] == [
        ("1", False, False), ("2", True, True),
    ]
    assert _rows(warehouse, "select count(*) as n from raw.orders") == [{"n": 12}]

    values = _rows(warehouse, "select * from marts.manual_kpi_values where kpi_id = 'ops_platform_uptime'")
    by_month = _by(values, "period_start")
    assert set(by_month) == {JAN, FEB}  # from the first report to the last month complete on 20 Mar
    assert _mismatches(
        "Jan", by_month[JAN],
        {"report_status": "reported", "reported_value": 0.999, "previous_accepted_value": 0.9991,
         "is_restatement": True, "report_id": "2", "verified_by": "Ben"},
    ) == []
    # February's only reports were rejected (8) or quarantined (9): due 5 Mar, not reported on 20 Mar
    assert _mismatches(
        "Feb", by_month[FEB],
        {"report_status": "not_reported", "reported_value": None, "due_date": date(2026, 3, 5),
         "missing_reason": "not reported for this period (due 2026-03-05)"},
    ) == []

    scorecard = _by(
        _rows(warehouse, "select * from marts.kpi_scorecard where kpi_id = 'ops_platform_uptime'"), "period_start"
    )
    assert all(row["is_manual"] for row in scorecard.values())
    assert (scorecard[FEB]["status"], scorecard[FEB]["actual_value"]) == ("no_data", None)
    assert scorecard[FEB]["status_reason"] == "no data: not reported for this period (due 2026-03-05)"
    # January has its value but starts before the data (10 Jan): shown, not scored
    assert (scorecard[JAN]["status"], scorecard[JAN]["actual_value"]) == ("provisional", 0.999)
    revenue = _rows(warehouse, "select is_manual from marts.kpi_scorecard where kpi_id = 'rev_revenue'")
    assert revenue and not any(row["is_manual"] for row in revenue)


# ---------------------------------------------------------------------------- support


def test_support_monthly(warehouse: Path) -> None:
    rows = _by(_rows(warehouse, "select * from marts.support_monthly"), "month_start")
    _check(
        rows,
        {
            # opened: tickets 1 (answered in 6 min) and 2 (3 h); solved: 1 (2 h, rated 5), 2 (25 h, 3)
            JAN: {
                "is_partial_month": False,
                "tickets_opened": 2,
                "students_with_tickets": 2,
                "active_students": 4,
                "help_requests_per_student": ratio(2, 4),
                "answered_tickets": 2,
                "answered_within_2h_tickets": 1,
                "median_first_response_hours": ratio("3.1", 2),
                "answered_within_2h_rate": ratio(1, 2),
                "resolved_tickets": 2,
                "median_resolution_hours": ratio(27, 2),
                "rated_tickets": 2,
                "satisfied_tickets": 1,
                "avg_satisfaction_score": 4.0,
                "satisfied_rate": ratio(1, 2),
            },
            # opened: 3 (10 h, overnight), 4 (30 min), 5 (6 h); solved: 3 (16 h, rated 4), 4 (1 h, unrated)
            FEB: {
                "tickets_opened": 3,
                "students_with_tickets": 3,
                "active_students": 5,
                "help_requests_per_student": ratio(3, 5),
                "answered_tickets": 3,
                "answered_within_2h_tickets": 1,
                "median_first_response_hours": 6.0,
                "resolved_tickets": 2,
                "median_resolution_hours": ratio(17, 2),
                "rated_tickets": 1,
                "avg_satisfaction_score": 4.0,
                "satisfied_rate": 1.0,
            },
            # opened: 6 (15 min), 7 (unanswered); ticket 8 is quarantined. Solved: 5 (opened 27 Feb,
            # 62 h, rated 2) and 6 (3 h, rated 5)
            MAR: {
                "is_partial_month": True,
                "tickets_opened": 2,
                "students_with_tickets": 2,
                "active_students": 5,
                "help_requests_per_student": ratio(2, 5),
                "answered_tickets": 1,
                "answered_within_2h_tickets": 1,
                "median_first_response_hours": 0.25,
                "resolved_tickets": 2,
                "median_resolution_hours": ratio(65, 2),
                "rated_tickets": 2,
                "satisfied_tickets": 1,
                "avg_satisfaction_score": 3.5,
                "satisfied_rate": ratio(1, 2),
            },
        },
    )


# ---------------------------------------------------------------------------- business


def test_subscriptions_mrr_and_churn(warehouse: Path) -> None:
    rows = _by(_rows(warehouse, "select * from marts.business_subscriptions_monthly"), "month_start")
    _check(
        rows,
        {
            JAN: {
                "active_subscriptions_at_start": 0,
                "new_subscriptions": 1,
                "mrr_usd": usd("30.00"),
                "arr_usd": usd("360.00"),
                "billed_usd": usd("30.00"),
                "mrr_growth_rate": None,
                "subscription_churn_rate": None,
            },
            FEB: {
                "active_subscriptions_at_start": 1,
                "new_subscriptions": 1,
                "churned_subscriptions": 0,
                "renewals": 1,
                "billed_usd": usd("270.00"),
                "starting_mrr_usd": usd("30.00"),
                "new_mrr_usd": usd("20.00"),
                "mrr_usd": usd("50.00"),
                "arr_usd": usd("600.00"),
                "mrr_growth_rate": ratio("20.00", "30.00"),
                "subscription_churn_rate": ratio(0, 1),
            },
            MAR: {
                "is_partial_month": True,
                "active_subscriptions_at_start": 2,
                "new_subscriptions": 1,
                "churned_subscriptions": 1,
                "active_subscriptions_at_end": 2,
                "churned_subscribers": 1,
                "starting_mrr_usd": usd("50.00"),
                "new_mrr_usd": usd("30.00"),
                "churned_mrr_usd": usd("30.00"),
                "mrr_usd": usd("50.00"),
                "arr_usd": usd("600.00"),
                "mrr_growth_rate": ratio("0.00", "50.00"),
                "subscription_churn_rate": ratio(1, 2),
                "customer_churn_rate": ratio(1, 2),
                "mrr_churn_rate": ratio("30.00", "50.00"),
            },
        },
    )


def test_customer_economics(warehouse: Path) -> None:
    rows = _by(_rows(warehouse, "select * from marts.business_customer_economics_monthly"), "month_start")
    _check(
        rows,
        {
            JAN: {
                "new_paying_customers": 4,
                "paying_customers": 4,
                "marketplace_revenue_usd": usd("192.20"),
                "subscription_revenue_usd": usd("30.00"),
                "revenue_usd": usd("222.20"),
                "marketing_spend_usd": usd("250.00"),
                "influencer_spend_usd": usd("200.00"),
                "arpu_usd": ratio("222.20", 4),
                "cac_usd": ratio("250.00", 4),
                "clv_usd": ratio("222.20", 4),
                "clv_to_cac_ratio": ratio("222.20", "250.00"),
            },
            FEB: {
                "new_paying_customers": 2,
                "paying_customers": 4,
                "revenue_usd": usd("519.80"),
                "marketing_spend_usd": usd("330.00"),
                "influencer_spend_usd": usd("300.00"),
                "arpu_usd": ratio("519.80", 4),
                "cac_usd": ratio("330.00", 2),
                "clv_usd": ratio("742.00", 6),
            },
            MAR: {
                "new_paying_customers": 0,
                "revenue_usd": usd("252.60"),
                "revenue_to_date_usd": usd("994.60"),
                "marketing_spend_usd": usd("0.00"),
                "cac_usd": None,
                "clv_usd": ratio("994.60", 6),
            },
        },
    )
