"""KPI scorecard end to end on the small generated dataset (conftest `small_dataset`), built up to
the scorecard, then a validation run recorded and the scorecard built with its data tests.

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

from orchestration.dbt_runner import run_dbt
from orchestration.quality.store import prepare
from orchestration.settings import PROJECT_DIR, SCORECARD_MODELS, Settings

pytestmark = pytest.mark.slow

SCORECARD = [
    "build",
    "--select",
    "path:seeds",
    f"path:{SCORECARD_MODELS}",
]


def _query(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def _catalog() -> list[dict[str, str]]:
    with (PROJECT_DIR / "seeds" / "kpi_catalog.csv").open() as handle:
        return list(csv.DictReader(handle))


def _template() -> dict[str, dict[str, str]]:
    with (PROJECT_DIR / "seeds" / "kpi_template.csv").open() as handle:
        return {row["kpi_id"]: row for row in csv.DictReader(handle)}


REFERENCES = PROJECT_DIR.parent / "shared" / "reference"
REFERENCE_DOCUMENTS = (
    "elearning-marketplace-kpis.md", "kpi-tracking-framework.md", "executive-kpi-monitoring.md",
    "kpi-measurement-framework.md", "ai-marketing-metrics-es.md",
)


@pytest.fixture(scope="module")
def built(small_dataset: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("scorecard")
    settings = Settings(warehouse_path=root / "warehouse.duckdb", landing_dir=small_dataset.landing_dir)
    shutil.copy(small_dataset.warehouse_path, settings.warehouse_path)
    # the first build ran before any validation: audit.dq_scores did not exist, the scorecard built
    assert _query(settings, "select count(*) from marts.scorecard_data_quality") == [(0,)]
    # a validation run (as `python -m orchestration.quality` records it), then the scorecard build;
    # its unit tests ran in the golden build
    with duckdb.connect(str(settings.warehouse_path)) as con:
        prepare(con)
        con.execute(
            "insert into audit.dq_scores values ('run-1', 'overall', 100, 97, 0.97, ?)",
            [datetime(2026, 11, 2, 6, 0)],
        )
    summary = run_dbt([*SCORECARD, "--exclude-resource-type", "unit_test"], settings)
    assert summary.success, summary.failures
    return settings


def _latest_complete_month(settings: Settings) -> date:
    return _query(settings, "select latest_complete_month_start from marts.data_as_of_day")[0][0]


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
    dq = _query(
        built,
        "select actual_value, status from marts.kpi_scorecard "
        f"where kpi_id = 'dq_score' and period_start = date '{month}'",
    )
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
    target, warning, critical, margin = (
        num("target"),
        num("warning_threshold"),
        num("critical_threshold"),
        num("blue_margin_rate"),
    )
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
    as_of = _query(built, "select as_of_day from marts.data_as_of_day")[0][0]
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
            assert not final and status == "provisional" and reason.startswith("cohort not mature"), (
                kpi_id,
                period_end,
            )
        if final:
            assert mature
    assert any(complete and not final for _, _, complete, final, *_ in rows), "no complete but immature cohort"
    assert _query(
        built,
        "select count(*) from marts.kpi_alerts a join marts.kpi_scorecard s using (kpi_id, period_start) "
        "where not s.is_final_period",
    ) == [(0,)]


def test_alerts_are_one_per_kpi_and_period_and_follow_the_rules(built: Settings) -> None:
    counts = _query(
        built, "select kpi_id, period_start, count(*) from marts.kpi_alerts group by all having count(*) > 1"
    )
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
    messages = _query(built, "select kpi_id, alert_message, owner from marts.kpi_alerts")
    template = _template()  # why it matters: the KPI template's, not the definition
    assert all(message.endswith(f"owner: {owner}") and f"Why it matters: {template[kpi_id]['why_it_matters']}. "
               in message for kpi_id, message, owner in messages)


def test_every_catalog_kpi_has_its_template_and_bands_come_from_the_references() -> None:
    catalog, template = {row["kpi_id"]: row for row in _catalog()}, _template()
    assert set(template) == set(catalog)
    for kpi_id, row in template.items():
        assert row["data_sources"] and row["why_it_matters"] and row["risks"], kpi_id
        date.fromisoformat(row["target_start_date"])
        # interim targets exactly for the KPIs with a yearly target
        assert bool(row["target_30_days"]) == bool(row["target_90_days"]) == bool(catalog[kpi_id]["target"]), kpi_id
    bands = {kpi_id: row for kpi_id, row in template.items() if row["benchmark_low"]}
    # kpi-measurement-framework.md's ranges: campaigns, course success, conversion, MRR growth, churn, CLV:CAC
    assert {"cs_completion_rate", "cs_nps", "cmp_ctr", "cmp_cpa", "biz_customer_churn", "eng_conversion_rate"} <= set(
        bands
    )
    assert not {"rev_revenue", "rev_refund_rate", "dq_score", "ins_retention_rate"} & set(
        bands
    )  # none given: none invented
    for kpi_id, row in bands.items():
        low, high = float(row["benchmark_low"]), float(row["benchmark_high"])
        assert low <= high, kpi_id
        document = row["benchmark_source"].split(":", 1)[0]
        assert document in REFERENCE_DOCUMENTS, (kpi_id, document)
        if (REFERENCES / document).exists():  # the checkout sits next to the shared references
            assert "benchmark" in (REFERENCES / document).read_text(encoding="utf-8").lower()


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, day.day)


def test_baseline_interim_targets_and_progress_follow_the_plan(built: Settings) -> None:
    """kpi_scorecard's plan columns recomputed from its own values and the template: the baseline
    is the mean of the final values in the 3 months before the plan, the interim target the 30-,
    90- or 365-day one by days into the plan, progress (actual - baseline) / (target - baseline)."""
    catalog, template = {row["kpi_id"]: row for row in _catalog()}, _template()
    columns = (
        "kpi_id, period_start, period_end, is_final_period, actual_value, direction, target_value, baseline_value, "
        "baseline_periods, interim_target_days, interim_target_value, interim_target_met, target_progress_rate, "
        "benchmark_low, benchmark_high, benchmark_position"
    )
    rows = [dict(zip([c.strip() for c in columns.split(",")], row, strict=True))
            for row in _query(built, f"select {columns} from marts.kpi_scorecard")]
    baselines: dict[str, list[float]] = {}
    for row in rows:
        start = date.fromisoformat(template[row["kpi_id"]]["target_start_date"])
        if (row["is_final_period"] and row["actual_value"] is not None
                and row["period_start"] >= _months_before(start, 3) and row["period_end"] < start):
            baselines.setdefault(row["kpi_id"], []).append(row["actual_value"])
    seen: Counter = Counter()
    for row in rows:
        kpi_id, plan = row["kpi_id"], template[row["kpi_id"]]
        days = (row["period_start"] - date.fromisoformat(plan["target_start_date"])).days
        values = baselines.get(kpi_id, [])
        baseline = sum(values) / len(values) if values and days >= 0 else None
        assert row["baseline_value"] == (None if baseline is None else pytest.approx(baseline, rel=1e-9)), kpi_id
        assert row["baseline_periods"] == (None if days < 0 else len(values)), kpi_id
        target = float(catalog[kpi_id]["target"]) if catalog[kpi_id]["target"] else None
        horizon = None if target is None or days < 0 else 30 if days < 30 else 90 if days < 90 else 365
        assert row["interim_target_days"] == horizon, (kpi_id, row["period_start"])
        interim = {30: plan["target_30_days"], 90: plan["target_90_days"], 365: target}.get(horizon)
        assert row["interim_target_value"] == (None if interim in (None, "") else float(interim)), kpi_id
        sign = -1 if row["direction"] == "lower_is_better" else 1
        actual, judged = row["actual_value"], row["is_final_period"] and row["actual_value"] is not None
        met = sign * actual >= sign * float(interim) if judged and interim not in (None, "") else None
        assert row["interim_target_met"] == met, (kpi_id, row["period_start"])
        progress = None
        if judged and baseline is not None and target is not None:
            gap = sign * (target - baseline)
            progress = (actual - baseline) / (target - baseline) if gap > 0 else float(sign * actual >= sign * target)
        assert row["target_progress_rate"] == (
            None if progress is None else pytest.approx(progress, rel=1e-9, abs=1e-12)
        )
        band = (row["benchmark_low"], row["benchmark_high"])
        expected_band = (
            (float(plan["benchmark_low"]), float(plan["benchmark_high"])) if plan["benchmark_low"] else (None, None)
        )
        assert band == expected_band, kpi_id
        position = None
        if judged and band[0] is not None:
            position = "below" if actual < band[0] else "above" if actual > band[1] else "within"
        assert row["benchmark_position"] == position, (kpi_id, row["period_start"])
        seen.update([("days", horizon), ("met", met), ("position", position),
                     ("progress", None if progress is None else (progress > 1) - (progress < 0))])
    # every case is exercised on this data
    assert {("days", 30), ("days", 90), ("days", 365), ("met", True), ("met", False)} <= set(seen)
    assert {("position", "below"), ("position", "within"), ("position", "above")} <= set(seen)
    assert {("progress", -1), ("progress", 0), ("progress", 1)} <= set(seen)


def test_a_catalog_row_and_its_union_line_score_a_new_kpi(built: Settings, tmp_path: Path) -> None:
    project = tmp_path / "project"
    ignore = shutil.ignore_patterns(".venv", "data", "target", "logs", ".git", "*.egg-info", "__pycache__")
    shutil.copytree(PROJECT_DIR, project, ignore=ignore)
    catalog = project / "seeds" / "kpi_catalog.csv"
    with catalog.open(newline="") as handle:
        header = next(csv.reader(handle))
    with catalog.open("a", newline="") as handle:
        csv.DictWriter(handle, header, restval="", lineterminator="\n").writerow(
            {
                "kpi_id": "rev_refunds", "kpi_name": "Refunds", "pillar": "revenue", "level": "operational",
                "definition": "Refunds issued in the month", "formula": "count of refunds", "unit": "count",
                "direction": "lower_is_better", "frequency": "monthly", "owner": "Finance",
                "source_model": "revenue_monthly", "source_column": "refunds", "max_spike_rate": "0.5",
                "spike_severity": "warning", "action": "review refund reasons", "maturity_days": "0",
                "sample_column": "refunded_paid_orders", "seasonal_baseline": "false",
                "required_sources": "marketplace.refunds",
            }
        )
    # and its KPI template row (every catalog KPI has one): no target, no interim targets, no band
    with (project / "seeds" / "kpi_template.csv").open("a", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            ["rev_refunds", "marketplace refunds export", "refunds take back revenue", "late refunds",
             "2026-01-01", "", "", "", "", ""]
        )
    # and its line in the committed union of KPI values (tests/test_scorecard_layer.py: one per row)
    values = project / SCORECARD_MODELS / "scorecard_kpi_values.sql"
    first = "    {{ kpi_value('rev_revenue', 'revenue_monthly', 'revenue_usd') }}\n"
    assert first in values.read_text()
    added = "    union all\n    {{ kpi_value('rev_refunds', 'revenue_monthly', 'refunds', 'refunded_paid_orders') }}\n"
    values.write_text(values.read_text().replace(first, first + added))
    summary = run_dbt(SCORECARD, built, project)
    assert summary.success, summary.failures
    month = _latest_complete_month(built)
    scored = _query(
        built,
        f"select s.actual_value, r.refunds from marts.kpi_scorecard s join marts.revenue_monthly r "
        f"on r.month_start = s.period_start where s.kpi_id = 'rev_refunds' and s.period_start = date '{month}'",
    )
    assert len(scored) == 1
    assert scored[0][0] == scored[0][1]
