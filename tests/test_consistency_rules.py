"""Consistency rules across entities: a row that contradicts another entity is quarantined.

The golden landing files plus one violation of each rule of the contract (and one row that breaks
a rule only because the row it needs was itself quarantined), landed and built through the revenue
mart: each violation is quarantined with its rule's reason, the row accounting still balances,
revenue is the golden figure (the violations never reach it), and the consistency standard counts
each rule's rows as a warning.
"""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.contracts import ENTITIES, ExistsIn, NotBefore, rule_problems
from orchestration.datagen.config import GeneratorConfig
from orchestration.datagen.defects import referenced_rows
from orchestration.datagen.generator import build_tables
from orchestration.dbt_runner import run_dbt
from orchestration.landing import land
from orchestration.quality.definitions import CONSISTENCY, WARNING, all_suites
from orchestration.quality.runner import validate
from orchestration.quality.standards import failed_standards
from orchestration.settings import Settings

GOLDEN_LANDING = Path(__file__).parent / "golden" / "landing"

# (landing file, rows appended to it; a new file gets the header of the entity's golden files)
VIOLATIONS: dict[str, list[str]] = {
    # order 7 was placed 2026-02-14 11:00 UTC
    "marketplace/payments/payments_2026-02.csv": ["9001,7,2026-02-14T10:00:00Z,card,70.00,EUR,succeeded,"],
    # order 5: placed 19:00, paid 19:01; a refund in between is before the payment, not the order
    "marketplace/refunds/refunds_2026-02.csv": ["9001,5,6,2026-02-05T19:00:30Z,10.00,USD,quality"],
    # order 4 never paid (one failed attempt): judged by its order time, 2026-01-25 17:00 UTC
    "marketplace/refunds/refunds_2026-01.csv": ["9002,4,5,2026-01-25T16:00:00Z,40.00,USD,other"],
    "learning/enrollments/enrollments_2026-03.csv": [
        "9001,6,101,,subscription,2026-03-10T10:00:00Z,100,2026-03-09T10:00:00Z"
    ],
    # enrollment 8 began 2026-02-20 16:02 UTC
    "learning/certificates/certificates_2026-02.csv": ["9001,8,2026-02-19T10:00:00Z"],
    "marketplace/reviews/reviews_2026-03.csv": [
        "9001,103,5,4,2026-03-25T12:00:00Z",  # student 5 never enrolled in course 103
        "9002,101,6,5,2026-03-25T12:00:00Z",  # student 6's only enrollment in 101 is quarantined
    ],
    "crm/leads/leads_2026-03.csv": [
        "9001,2026-03-10T10:00:00+00:00,direct,,,qualified,70,2026-03-10T09:00:00+00:00,",
        "9002,2026-03-10T10:00:00+00:00,direct,,,customer,70,2026-03-10T11:00:00+00:00,2026-03-09T10:00:00+00:00",
    ],
    "support/tickets/tickets_2026-03.csv": [
        "9001,1,101,chat,other,low,solved,2026-03-10 10:00:00,2026-03-10 10:05:00,2026-03-10 09:00:00,"
    ],
    # student 4 signed up 2026-01-08 16:00 UTC
    "crm/referrals/referrals_2026-01.csv": ["9001,4,link,2026-01-08T10:00:00+00:00,"],
    # order 7 was placed 2026-02-14 11:00 UTC
    "billing/installment_plans/installment_plans_2026-02.csv": ["9001,7,3,2026-02-14T10:00:00+00:00,active"],
    "experimentation/experiments/experiments_2026-03-31.csv": [
        "9001,pricing_9001,h,pricing,control,2,100,0.05,0.8,0.2,2026-03-05 09:00:00,2026-03-04 09:00:00,",
        "9002,pricing_9002,h,pricing,control,2,100,0.05,0.8,0.2,2026-03-01 09:00:00,2026-03-04 09:00:00,"
        "2026-03-03 09:00:00",
    ],
    # experiment 1 started 2026-02-02 09:00 UTC
    "experimentation/experiment_assignments/experiment_assignments_2026-02.csv": [
        "9001,1,control,601,2026-02-03 12:00:00,2026-02-03 11:00:00"
    ],
    "manual/kpi_reports/kpi_reports_2026-03-20.csv": [
        "9001,ops_platform_uptime,2026-02,0.998,Ana,2026-03-02T10:00:00+00:00,status page,Ben,"
        "2026-03-02T09:00:00+00:00,"
    ],
}

EXPECTED_REASONS: dict[tuple[str, int], str] = {
    ("payments", 9001): "payment_before_order: attempted_at 2026-02-14 10:00:00 "
    "is before its order's ordered_at 2026-02-14 11:00:00",
    ("refunds", 9001): "refund_before_payment: refunded_at 2026-02-05 19:00:30 "
    "is before its order's first successful payment 2026-02-05 19:01:00",
    ("refunds", 9002): "refund_before_payment: refunded_at 2026-01-25 16:00:00 "
    "is before its unpaid order's ordered_at 2026-01-25 17:00:00",
    ("enrollments", 9001): "completion_before_enrollment: completed_at 2026-03-09 10:00:00 "
    "is before its enrolled_at 2026-03-10 10:00:00",
    ("certificates", 9001): "certificate_before_enrollment: issued_at 2026-02-19 10:00:00 "
    "is before its enrollment's enrolled_at 2026-02-20 16:02:00",
    ("reviews", 9001): "review_without_enrollment: no enrollments row with student_id 5, course_id 103",
    ("reviews", 9002): "review_without_enrollment: no enrollments row with student_id 6, course_id 101",
    ("leads", 9001): "qualified_before_lead: qualified_at 2026-03-10 09:00:00 "
    "is before its created_at 2026-03-10 10:00:00",
    ("leads", 9002): "converted_before_lead: converted_at 2026-03-09 10:00:00 "
    "is before its created_at 2026-03-10 10:00:00",
    ("tickets", 9001): "resolution_before_ticket: resolved_at 2026-03-10 09:00:00 "
    "is before its created_at 2026-03-10 10:00:00",
    ("referrals", 9001): "referral_before_referrer_signup: referred_at 2026-01-08 10:00:00 "
    "is before its referrer's signup_at 2026-01-08 16:00:00",
    ("installment_plans", 9001): "plan_before_order: started_at 2026-02-14 10:00:00 "
    "is before its order's ordered_at 2026-02-14 11:00:00",
    ("experiments", 9001): "start_before_registration: started_at 2026-03-04 09:00:00 "
    "is before its registered_at 2026-03-05 09:00:00",
    ("experiments", 9002): "end_before_start: ended_at 2026-03-03 09:00:00 "
    "is before its started_at 2026-03-04 09:00:00",
    ("experiment_assignments", 9001): "conversion_before_assignment: converted_at 2026-02-03 11:00:00 "
    "is before its assigned_at 2026-02-03 12:00:00",
    ("kpi_reports", 9001): "verification_before_report: verified_at 2026-03-02 09:00:00 "
    "is before its reported_at 2026-03-02 10:00:00",
}

# the golden dataset's own planted defects (tests/test_golden.py)
GOLDEN_QUARANTINED = {
    ("orders", 99), ("surveys", 8), ("tickets", 8), ("assessments", 17), ("posts", 9), ("experiment_assignments", 9),
    ("kpi_reports", 9),
}


def _entity(name: str):
    return next(e for e in ENTITIES if e.name == name)


def _quarantined(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, int], str]:
    found = {}
    for entity in ENTITIES:
        key = entity.key[0]
        rows = con.execute(
            f'select "{key}", dq_reason from staging.quarantine_{entity.source}__{entity.name}'
        ).fetchall()
        found.update({(entity.name, int(value)): reason for value, reason in rows})
    return found


@pytest.fixture(scope="module")
def violated(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("consistency")
    settings = Settings(warehouse_path=root / "warehouse.duckdb", landing_dir=root / "landing")
    shutil.copytree(GOLDEN_LANDING, settings.landing_dir)
    for relative, rows in VIOLATIONS.items():
        path = settings.landing_dir / relative
        if not path.exists():
            header = next(path.parent.glob("*.csv")).read_text().splitlines()[0]
            path.write_text(header + "\n")
        with path.open("a") as handle:
            handle.write("".join(row + "\n" for row in rows))
    report = land(settings.landing_dir, settings.warehouse_path)
    assert not report.failed, report.failed
    # the data tests must pass with the violating rows landed; the unit tests do not read the data
    args = ["build", "--select", "+path:models/staging", "int_row_accounting", "+revenue_monthly"]
    args += ["--indirect-selection", "cautious"]
    summary = run_dbt([*args, "--exclude-resource-type", "unit_test"], settings)
    assert summary.success, summary.failures
    return settings


@pytest.mark.slow
def test_each_violation_is_quarantined_with_its_rule_and_nothing_else(violated: Settings) -> None:
    with duckdb.connect(str(violated.warehouse_path), read_only=True) as con:
        quarantined = _quarantined(con)
        accounting = con.execute(
            "select entity, raw_rows, staged_rows, quarantined_rows, duplicates_removed "
            "from intermediate.int_row_accounting"
        ).fetchall()
    assert set(quarantined) == set(EXPECTED_REASONS) | GOLDEN_QUARANTINED
    assert {k: quarantined[k] for k in EXPECTED_REASONS} == EXPECTED_REASONS
    for entity, raw, staged, in_quarantine, duplicates in accounting:
        assert raw == staged + in_quarantine + duplicates, entity


@pytest.mark.slow
def test_violations_stay_out_of_staging_and_revenue(violated: Settings) -> None:
    with duckdb.connect(str(violated.warehouse_path), read_only=True) as con:
        for (name, key), _ in EXPECTED_REASONS.items():
            entity = _entity(name)
            staged = con.execute(
                f'select count(*) from staging.stg_{entity.source}__{entity.name} where "{entity.key[0]}" = ?', [key]
            ).fetchone()
            assert staged == (0,), (name, key)
        revenue = dict(
            con.execute("select month_start, revenue_usd from marts.revenue_monthly").fetchall()
        )
        attempts = dict(con.execute("select month_start, payment_attempts from marts.revenue_monthly").fetchall())
    # the golden figures (tests/test_golden.py): as if the violating rows had never landed
    assert revenue == {
        date(2026, 1, 1): Decimal("264.65"),
        date(2026, 2, 1): Decimal("177.35"),
        date(2026, 3, 1): Decimal("222.60"),
    }
    assert attempts == {date(2026, 1, 1): 4, date(2026, 2, 1): 6, date(2026, 3, 1): 3}


@pytest.mark.slow
def test_the_consistency_standard_counts_each_rule_as_a_warning(violated: Settings) -> None:
    suites = {f"entity__{name}" for name, _ in (*EXPECTED_REASONS, *GOLDEN_QUARANTINED)}
    run = validate(
        violated.warehouse_path, violated.landing_dir, docs_dir=None, record=False, suites=lambda n: n in suites
    )
    by_rule = {
        r.expectation.split("consistency rule ")[1]: r
        for r in run.results
        if r.standard == CONSISTENCY and "consistency rule" in r.expectation
    }
    counts = {
        "payment_before_order": ("payments", 1),
        "refund_before_payment": ("refunds", 2),
        "completion_before_enrollment": ("enrollments", 1),
        "certificate_before_enrollment": ("certificates", 1),
        "review_without_enrollment": ("reviews", 2),
        "qualified_before_lead": ("leads", 1),
        "converted_before_lead": ("leads", 1),
        "response_before_ticket": ("tickets", 1),  # the golden dataset's ticket 8
        "resolution_before_ticket": ("tickets", 1),
        "assessment_before_enrollment": ("assessments", 1),  # the golden dataset's assessment 17
        "post_before_signup": ("posts", 1),  # the golden dataset's post 9
        "referral_before_referrer_signup": ("referrals", 1),
        "plan_before_order": ("installment_plans", 1),
        "start_before_registration": ("experiments", 1),
        "end_before_start": ("experiments", 1),
        "assignment_before_start": ("experiment_assignments", 1),  # the golden dataset's assignment 9
        "conversion_before_assignment": ("experiment_assignments", 1),
        "verification_before_report": ("kpi_reports", 1),
    }
    assert set(by_rule) == set(counts)
    for rule, (entity, count) in counts.items():
        row = by_rule[rule]
        assert not row.success and row.severity == WARNING, row
        assert row.table_name == f"staging.quarantine_{_entity(entity).source}__{entity}"
        assert f"rule_name={rule}, entity={entity}, quarantined_rows={count}," in row.observed_value, row
    # a warning: the critical standards still pass (the violating rows are only a few)
    assert "consistency" not in failed_standards(run.results)


def test_the_contract_rules_are_well_formed_and_each_has_an_expectation() -> None:
    assert rule_problems(ENTITIES) == []
    rules = {(e.name, r.name) for e in ENTITIES for r in e.consistency_rules}
    assert {name for name, _ in rules} == {
        "payments", "refunds", "enrollments", "certificates", "reviews", "tickets", "leads",
        "assessments", "referrals", "posts", "installment_plans", "experiments", "experiment_assignments",
        "kpi_reports",
    }
    assert any(isinstance(r, ExistsIn) for e in ENTITIES for r in e.consistency_rules)
    assert any(isinstance(r, NotBefore) for e in ENTITIES for r in e.consistency_rules)
    expectations = {
        (s.name.removeprefix("entity__"), x["meta"]["name"].split("consistency rule ")[-1])
        for s in all_suites()
        for x in s.expectations
        if x["meta"]["standard"] == CONSISTENCY and "consistency rule" in x["meta"]["name"]
    }
    assert expectations == rules
    assert all(
        x["meta"]["severity"] == WARNING
        for s in all_suites()
        for x in s.expectations
        if "consistency rule" in x["meta"]["name"]
    )


def test_generator_never_quarantines_a_row_a_rule_of_another_row_needs() -> None:
    """Defects only hit rows nothing reads: the enrollment a review needs is never made invalid,
    so a clean review is never quarantined by review_without_enrollment."""
    tables = build_tables(GeneratorConfig(scale=0.005, seed=3, end_date=date(2026, 11, 1), defect_rate=0.01))
    protected = referenced_rows(tables)["enrollments"]
    enrollments, reviews = tables["enrollments"].columns, tables["reviews"].columns
    enrolled = set(
        zip(enrollments["student_id"][protected].tolist(), enrollments["course_id"][protected].tolist(), strict=True)
    )
    assert set(zip(reviews["student_id"].tolist(), reviews["course_id"].tolist(), strict=True)) <= enrolled
