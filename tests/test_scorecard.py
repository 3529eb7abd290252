"""KPI scorecard end to end on a small generated dataset: generate -> land -> dbt build.

Checks that every catalog KPI is scored for the latest complete month, that the status column
obeys the catalog thresholds and direction, that the data-quality KPI appears once audit.dq_scores
exists, and that adding a KPI is adding a catalog row: a copy of the project with one extra seed
row scores the new KPI without any new SQL.
"""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration.datagen.config import GeneratorConfig
from orchestration.datagen.generator import generate
from orchestration.dbt_runner import _release_warehouse, dbt_environment, run_dbt
from orchestration.landing import land
from orchestration.quality.store import prepare
from orchestration.settings import PROJECT_DIR, Settings

pytestmark = pytest.mark.slow

SCORECARD = [
    "build",
    "--select",
    "path:seeds",
    "path:models/intermediate/scorecard",
    "path:models/marts/scorecard",
]


def _query(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def _catalog() -> list[dict[str, str]]:
    with (PROJECT_DIR / "seeds" / "kpi_catalog.csv").open() as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("scorecard")
    settings = Settings(warehouse_path=root / "warehouse.duckdb", landing_dir=root / "landing")
    generate(GeneratorConfig(scale=0.01, seed=11, end_date=date(2026, 11, 1), out_dir=settings.landing_dir))
    report = land(settings.landing_dir, settings.warehouse_path)
    assert not report.failed, report.failed
    # first build: audit.dq_scores does not exist yet, the scorecard must still build
    summary = run_dbt(["seed"], settings)
    assert summary.success, summary.failures
    summary = run_dbt(["run", "--select", "+path:models/marts/scorecard"], settings)
    assert summary.success, summary.failures
    assert _query(settings, "select count(*) from intermediate.int_scorecard_data_quality") == [(0,)]
    # a validation run (as `python -m orchestration.quality` records it), then the scorecard build
    with duckdb.connect(str(settings.warehouse_path)) as con:
        prepare(con)
        con.execute(
            "insert into audit.dq_scores values ('run-1', 'overall', 100, 97, 0.97, ?)",
            [datetime(2026, 11, 2, 6, 0)],
        )
    summary = run_dbt(SCORECARD, settings)
    assert summary.success, summary.failures
    return settings


def _latest_complete_month(settings: Settings) -> date:
    return _query(settings, "select latest_complete_month_start from intermediate.int_scorecard_as_of_day")[0][0]


def test_every_catalog_kpi_is_scored_for_the_latest_complete_month(built: Settings) -> None:
    month = _latest_complete_month(built)
    rows = _query(
        built,
        f"""
        select kpi_id, count(*), count(actual_value)
        from marts.kpi_scorecard
        where is_complete_period
          and period_start >= date '{month}'
          and period_end < date '{month}' + interval 1 month
        group by 1
        """,
    )
    scored = {kpi_id: (n, with_value) for kpi_id, n, with_value in rows}
    catalog = [row for row in _catalog() if row["frequency"] != "quarterly"]
    assert {row["kpi_id"] for row in catalog} <= set(scored), "KPIs without a row in the latest complete month"
    for row in catalog:
        n, with_value = scored[row["kpi_id"]]
        expected = {"monthly": 1, "weekly": (3, 4), "daily": (28, 31)}[row["frequency"]]
        if isinstance(expected, tuple):
            assert expected[0] <= n <= expected[1] + 1, row["kpi_id"]
        else:
            assert n == expected, row["kpi_id"]
    dq = _query(built, f"select actual_value, status from marts.kpi_scorecard where kpi_id = 'dq_score' and period_start = date '{month}'")
    # 97% misses the 98% target but is above the 95% warning threshold: at risk (off target below 90%)
    assert dq == [(0.97, "at_risk")]


def test_quarterly_kpis_are_scored_once_per_quarter_against_the_prior_quarter(built: Settings) -> None:
    quarterly = {row["kpi_id"] for row in _catalog() if row["frequency"] == "quarterly"}
    assert quarterly, "the catalog has quarterly KPIs"
    rows = _query(
        built,
        """
        select kpi_id, period_start, period_end, prior_period_start
        from marts.kpi_scorecard
        where frequency = 'quarterly'
        """,
    )
    assert {kpi_id for kpi_id, *_ in rows} == quarterly
    for kpi_id, start, end, prior in rows:
        assert start.month in (1, 4, 7, 10) and start.day == 1, (kpi_id, start)
        months_later = start.month + 2
        assert (end.year, end.month) == (start.year, months_later) and (end + timedelta(days=1)).day == 1, (kpi_id, end)
        assert (prior.year * 12 + prior.month) == (start.year * 12 + start.month) - 3, (kpi_id, prior)
    starts = Counter((kpi_id, start) for kpi_id, start, *_ in rows)
    assert max(starts.values()) == 1


def _expected_status(row: dict[str, str], actual: float | None, final: bool) -> str:
    def num(key: str) -> float | None:
        return float(row[key]) if row[key] != "" else None

    if not final:
        return "provisional"
    if actual is None:
        return "no_data"
    target, warning, critical, margin = num("target"), num("warning_threshold"), num("critical_threshold"), num("blue_margin_rate")
    sign = 1 if row["direction"] == "higher_is_better" else -1
    # flip lower-is-better KPIs so "beyond a threshold" is always "below it"
    if critical is not None and sign * actual < sign * critical:
        return "off_target"
    if target is not None and margin is not None and sign * actual >= sign * target + abs(target) * margin:
        return "beating_target"
    if warning is not None and sign * actual < sign * warning:
        return "at_risk"
    if target is not None:
        return "at_risk" if sign * actual < sign * target else "on_target"
    return "untargeted"


def test_status_obeys_the_target_thresholds_and_direction(built: Settings) -> None:
    catalog = {row["kpi_id"]: row for row in _catalog()}
    rows = _query(built, "select kpi_id, period_start, actual_value, is_final_period, status from marts.kpi_scorecard")
    assert rows
    for kpi_id, period_start, actual, final, status in rows:
        assert status == _expected_status(catalog[kpi_id], actual, final), (kpi_id, period_start, actual, status)
    statuses = {status for *_, status in rows}
    assert {"on_target", "at_risk", "provisional"} <= statuses


def test_immature_cohorts_are_provisional_and_final_ones_are_not(built: Settings) -> None:
    as_of = _query(built, "select as_of_day from intermediate.int_scorecard_as_of_day")[0][0]
    maturity = {row["kpi_id"]: int(row["maturity_days"]) for row in _catalog()}
    assert maturity["cs_completion_rate"] >= 30 and maturity["cs_certification_rate"] >= 30
    rows = _query(
        built,
        "select kpi_id, period_end, is_complete_period, is_final_period, status, status_reason "
        "from marts.kpi_scorecard where kpi_id in ('cs_completion_rate', 'cs_certification_rate')",
    )
    assert rows
    for kpi_id, period_end, complete, final, status, reason in rows:
        mature = period_end + timedelta(days=maturity[kpi_id]) < as_of
        if complete and not mature:
            assert not final and status == "provisional" and reason.startswith("cohort not mature"), (kpi_id, period_end)
        if final:
            assert mature
    assert any(complete and not final for _, _, complete, final, *_ in rows), "no complete but immature cohort"
    assert _query(built, "select count(*) from marts.kpi_alerts a join marts.kpi_scorecard s using (kpi_id, period_start) where not s.is_final_period") == [(0,)]


def test_alerts_are_one_per_kpi_and_period_and_follow_the_rules(built: Settings) -> None:
    counts = _query(built, "select kpi_id, period_start, count(*) from marts.kpi_alerts group by all having count(*) > 1")
    assert counts == []
    # a final period that turns off target with its minimum sample, beyond the critical threshold
    # by more than 2 standard errors (a rate's sampling error, else the KPI's robust deviation:
    # the expected range's half-width / 3), alerts critical; a breach within the noise does not
    judged = """
        with judged as (
            select s.*, lag(s.status) over (partition by s.kpi_id order by s.period_start) as prior_status,
                greatest(
                    case when s.unit = 'rate' and s.sample_size > 0
                        then sqrt(s.critical_threshold * (1 - s.critical_threshold) / s.sample_size) end,
                    (s.expected_upper_value - s.expected_lower_value) / 6
                ) as noise
            from marts.kpi_scorecard s join marts.kpi_catalog c using (kpi_id)
            where s.is_final_period and (c.min_sample is null or s.sample_size >= c.min_sample)
        )
        select j.kpi_id, j.period_start, abs(j.actual_value - j.critical_threshold) > 2 * j.noise as significant,
            a.alert_type
        from judged j
        left join marts.kpi_alerts a on a.kpi_id = j.kpi_id and a.period_start = j.period_start
        where j.status = 'off_target' and coalesce(j.prior_status, '') != 'off_target'
    """
    entries = _query(built, judged)
    assert entries, "no KPI turned off target: the rule is not exercised"
    for kpi_id, start, significant, alert_type in entries:
        assert (alert_type == "off_target") == bool(significant), (kpi_id, start, significant, alert_type)
    # every drop/spike is outside the expected range it names
    outside = _query(
        built,
        "select count(*) filter (where (alert_type = 'drop' and actual_value >= expected_lower_value) "
        "or (alert_type = 'spike' and actual_value <= expected_upper_value)), count(*) "
        "from marts.kpi_alerts where alert_type in ('drop', 'spike')",
    )
    assert outside[0][0] == 0
    messages = _query(built, "select alert_message, owner from marts.kpi_alerts")
    assert all(message.endswith(f"owner: {owner}") and "Why it matters" in message for message, owner in messages)


def test_adding_a_catalog_row_scores_a_new_kpi(built: Settings, tmp_path: Path) -> None:
    project = tmp_path / "project"
    ignore = shutil.ignore_patterns(".venv", "data", "target", "logs", ".git", "*.egg-info", "__pycache__")
    shutil.copytree(PROJECT_DIR, project, ignore=ignore)
    with (project / "seeds" / "kpi_catalog.csv").open("a", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            [
                "rev_refunds", "Refunds", "revenue", "operational", "Refunds issued in the month",
                "count of refunds", "count", "lower_is_better", "", "", "", "", "monthly", "Finance",
                "revenue_monthly", "refunds", "", "", "0.5", "warning", "review refund reasons",
                "0", "refunded_paid_orders", "", "false", "marketplace.refunds",
            ]
        )
    from dbt.cli.main import dbtRunner

    dbt_environment(built)
    try:
        result = dbtRunner().invoke([*SCORECARD, "--project-dir", str(project), "--profiles-dir", str(project)])
    finally:
        _release_warehouse()
    assert result.success, result.exception
    month = _latest_complete_month(built)
    scored = _query(
        built,
        f"select s.actual_value, r.refunds from marts.kpi_scorecard s join marts.revenue_monthly r "
        f"on r.month_start = s.period_start where s.kpi_id = 'rev_refunds' and s.period_start = date '{month}'",
    )
    assert len(scored) == 1
    assert scored[0][0] == scored[0][1]
