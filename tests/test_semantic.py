"""The semantic layer (models/semantic: MetricFlow semantic models and metrics over the marts) and the
exposures (models/exposures.yml: the dashboards and reports that read the marts).

Fast tests parse the project into a temporary target and check the semantic manifest with
MetricFlow's own validator, the catalog KPIs and slices the metrics cover, the time spine, and
that the exposures name every mart the dashboards and the reports query.

The slow tests take the golden warehouse (built once per session, tests/conftest.py) and ask the
MetricFlow CLI (`mf query`, dbt-metricflow) for the headline metrics by month and by the main
slices (category, instructor tier, campaign platform, country); every answer must equal the
marts' own figures on the same warehouse. `mf` reads `<project>/target/semantic_manifest.json`
and nothing else of the project, so it runs in a small shell directory (dbt_project.yml,
profiles.yml, that manifest) and never touches the shared target/.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from orchestration.dbt_runner import run_dbt
from orchestration.settings import PROJECT_DIR, Settings

MF = Path(os.environ.get("VIRTUAL_ENV", PROJECT_DIR / ".venv")) / "bin" / "mf"
SLICES = {  # the main slices and the semantic model / dimension that carries each
    "course__category": ("courses", "category"),
    "instructor__pareto_segment": ("instructors", "pareto_segment"),
    "campaign__platform": ("campaigns", "platform"),
    "student__country_code": ("students", "country_code"),
}
# Headline KPIs of the catalog (every strategic one) and the metric answering each (quarterly KPIs:
# the same metric at metric_time__quarter).
HEADLINE_METRICS = {
    "rev_revenue": "revenue",
    "rev_revenue_yoy_growth": "revenue_growth_yoy",
    "rev_revenue_quarterly": "customer_revenue",
    "biz_mrr": "mrr",
    "biz_mrr_growth": "mrr_growth",
    "biz_customer_churn": "subscriber_churn_rate",
    "biz_clv_to_cac": "clv_to_cac",
    "biz_clv_quarterly": "clv",
    "biz_clv_to_cac_quarterly": "clv_to_cac",
    "mkt_enrollment_growth": "enrollment_growth",
    "mkt_share_of_voice": "share_of_voice",
    "eng_monthly_active_students": "monthly_active_students",
    "cs_completion_rate": "completion_rate",
    "cs_nps": "course_nps",
    "cmp_roi": "campaign_roi",
    "mkt_market_share": "market_share",
    "mkt_brand_awareness": "brand_awareness",
    "mkt_industry_recognition": "industry_recognition",
    "ppl_employee_satisfaction": "employee_satisfaction",
}
DASHBOARD_FILES = sorted((PROJECT_DIR / "dashboards").rglob("*.py"))
REPORT_QUERIES = PROJECT_DIR / "orchestration" / "reports" / "queries.py"


def settings_for(root: Path) -> Settings:
    return Settings(warehouse_path=root / "warehouse.duckdb", landing_dir=root / "landing",
                    serving_path=root / "serving.duckdb")


def catalog_kpis() -> dict[str, dict[str, str]]:
    with (PROJECT_DIR / "seeds" / "kpi_catalog.csv").open(newline="") as handle:
        return {row["kpi_id"]: row for row in csv.DictReader(handle)}


# ------------------------------------------------------------------------------------ parsing
@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """dbt parse into a temporary target: manifest.json and semantic_manifest.json."""
    root = tmp_path_factory.mktemp("semantic_parse")
    target = root / "target"
    summary = run_dbt(["parse", "--target-path", str(target)], settings_for(root))
    assert summary.success, summary.failures
    return {
        "target": target,
        "manifest": json.loads((target / "manifest.json").read_text()),
        "semantic": json.loads((target / "semantic_manifest.json").read_text()),
    }


def test_semantic_manifest_passes_metricflow_validation(parsed: dict[str, Any]) -> None:
    from metricflow_semantic_interfaces.validations.semantic_manifest_validator import SemanticManifestValidator
    from metricflow_semantics.model.dbt_manifest_parser import parse_manifest_from_dbt_generated_manifest

    manifest = parse_manifest_from_dbt_generated_manifest(
        manifest_json_string=(parsed["target"] / "semantic_manifest.json").read_text()
    )
    results = SemanticManifestValidator().validate_semantic_manifest(manifest)
    issues = [str(issue) for issue in results.all_issues]
    assert not results.has_blocking_issues, "\n".join(issues)
    # MetricFlow 0.213 turns dbt's cumulative `measure` into a metric input and keeps the measure,
    # then warns about having both; dbt 1.11's YAML has no other way to write a cumulative metric.
    known = "should not have both a measure and a metric as inputs"
    unexpected = [issue for issue in issues if known not in issue]
    assert not unexpected, "\n".join(unexpected)  # no other warnings, no future errors


def test_headline_kpis_have_metrics_and_every_kpi_metric_names_a_catalog_kpi(parsed: dict[str, Any]) -> None:
    """Every strategic KPI of the catalog has a metric (a new one fails here until it gets one), and
    the metrics' meta.kpi_ids name catalog KPIs only."""
    catalog = catalog_kpis()
    metrics = {m["name"]: m for m in parsed["semantic"]["metrics"]}
    strategic = {kpi_id for kpi_id, row in catalog.items() if row["level"] == "strategic"}
    assert strategic <= set(HEADLINE_METRICS), (
        f"strategic KPIs without a metric: {sorted(strategic - set(HEADLINE_METRICS))}"
    )
    kpis_of = {m["name"]: list((m.get("config") or {}).get("meta", {}).get("kpi_ids") or [])
               for m in parsed["manifest"]["metrics"].values()}
    for kpi_id, metric in HEADLINE_METRICS.items():
        assert metric in metrics, f"no metric {metric} for {kpi_id}"
        assert kpi_id in kpis_of[metric], (metric, kpis_of[metric])
        assert metrics[metric]["description"], metric
    named = {kpi for kpis in kpis_of.values() for kpi in kpis}
    assert named <= set(catalog), sorted(named - set(catalog))
    assert len(named) >= 28  # most of the catalog has a metric


def test_the_main_slices_are_dimensions_the_facts_join_to(parsed: dict[str, Any]) -> None:
    models = {m["name"]: m for m in parsed["semantic"]["semantic_models"]}
    for group_by, (model_name, dimension) in SLICES.items():
        entity = group_by.split("__")[0]
        model = models[model_name]
        assert any(e["name"] == entity and e["type"] == "primary" for e in model["entities"]), group_by
        assert dimension in {d["name"] for d in model["dimensions"]}, group_by
        facts = [m["name"] for m in models.values()
                 if m["measures"] and any(e["name"] == entity and e["type"] == "foreign" for e in m["entities"])]
        assert facts, f"no fact semantic model joins to {entity}"


def test_every_semantic_model_reads_a_mart_and_every_measure_is_used(parsed: dict[str, Any]) -> None:
    nodes = parsed["manifest"]["nodes"]
    used = set()
    for metric in parsed["semantic"]["metrics"]:
        for measure in metric["type_params"].get("input_measures") or []:
            used.add(measure["name"])
    for model in parsed["semantic"]["semantic_models"]:
        assert model["node_relation"]["schema_name"] == "marts", model["name"]
        node = nodes[next(k for k in nodes if k.endswith("." + model["node_relation"]["alias"]))]
        assert node["description"], model["name"]
        for measure in model["measures"]:
            assert measure["name"] in used, f"measure {measure['name']} of {model['name']} feeds no metric"


def test_the_time_spine_is_configured(parsed: dict[str, Any]) -> None:
    spines = parsed["semantic"]["project_configuration"]["time_spines"]
    assert [(s["node_relation"]["alias"], s["primary_column"]["name"], s["primary_column"]["time_granularity"])
            for s in spines] == [("metricflow_time_spine", "date_day", "day")]


def marts_read_by(paths: Iterable[Path]) -> set[str]:
    return {name for path in paths for name in re.findall(r"\bmarts\.(\w+)", path.read_text())}


def exposure_models(parsed: dict[str, Any], names: Iterable[str]) -> set[str]:
    exposures = {e["name"]: e for e in parsed["manifest"]["exposures"].values()}
    found = set()
    for name in names:
        assert name in exposures, f"no exposure {name}"
        found |= {node.split(".")[-1] for node in exposures[name]["depends_on"]["nodes"]}
    return found


def test_exposures_declare_every_mart_the_dashboards_and_reports_read(parsed: dict[str, Any]) -> None:
    dashboards = ("executive_dashboard", "operational_dashboard", "tactical_dashboard")
    read = marts_read_by(DASHBOARD_FILES)
    assert {"kpi_scorecard", "kpi_alerts", "revenue_monthly"} <= read
    declared = exposure_models(parsed, dashboards)
    assert read <= declared, f"read by dashboards/ but in no dashboard exposure: {sorted(read - declared)}"
    reports = [f"executive_report_{cadence}" for cadence in ("daily", "weekly", "monthly", "quarterly")]
    declared_reports = exposure_models(parsed, reports)
    if REPORT_QUERIES.exists():
        report_reads = marts_read_by([REPORT_QUERIES])
        assert report_reads <= declared_reports, sorted(report_reads - declared_reports)
    exposures = parsed["manifest"]["exposures"].values()
    for exposure in exposures:
        assert exposure["description"] and exposure["owner"]["name"], exposure["name"]
    assert {e["url"] for e in exposures if e["type"] == "dashboard"} == {
        "http://127.0.0.1:8501/", "http://127.0.0.1:8501/operational", "http://127.0.0.1:8501/tactical"}


# ------------------------------------------------------------------------------- mf query (slow)
@pytest.fixture(scope="module")
def golden(golden_warehouse: Settings, parsed: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
           ) -> dict[str, Path]:
    """A private copy of the session's golden build (conftest.golden_warehouse; `mf` opens the file
    read-write) and a shell project for `mf`: dbt_project.yml, profiles.yml and the parsed
    semantic_manifest.json (its relations name the catalog `warehouse`, the file's stem)."""
    root = tmp_path_factory.mktemp("semantic_golden")
    warehouse = root / "warehouse.duckdb"
    shutil.copy(golden_warehouse.warehouse_path, warehouse)
    shell = root / "mf_project"
    (shell / "target").mkdir(parents=True)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / name, shell / name)
    shutil.copy(parsed["target"] / "semantic_manifest.json", shell / "target" / "semantic_manifest.json")
    return {"warehouse": warehouse, "shell": shell, "root": root}


def run_mf(golden: dict[str, Path], *args: str) -> subprocess.CompletedProcess[str]:
    shell = golden["shell"]
    env = {**os.environ, "DBT_PROJECT_DIR": str(shell), "DBT_PROFILES_DIR": str(shell),
           "WAREHOUSE_PATH": str(golden["warehouse"]), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return subprocess.run([str(MF), *args], cwd=shell, env=env, capture_output=True, text=True, timeout=300)


def mf_query(golden: dict[str, Path], metrics: list[str], group_by: list[str]) -> list[dict[str, Any]]:
    out = golden["root"] / f"mf_{len(list(golden['root'].glob('mf_*.csv')))}.csv"
    done = run_mf(golden, "query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by), "--csv", str(out))
    assert done.returncode == 0 and out.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    with out.open(newline="") as handle:
        return [{k: (None if v == "" else v) for k, v in row.items()} for row in csv.DictReader(handle)]


def sql(warehouse: Path, query: str) -> list[dict[str, Any]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        result = con.execute(query)
        names = [d[0] for d in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def key_of(value: Any) -> str:
    return str(value)[:10]  # a date or a 'YYYY-MM-DD 00:00:00' metric_time, or a slice value


def same(got: Any, want: Any, tolerance: float = 1e-9) -> bool:
    """Equal to the tolerance; a null and a zero count as equal (an outer join's missing row)."""
    if want is None or got is None:
        return (got is None or float(got) == 0.0) and (want is None or float(want) == 0.0)
    want, got = float(want), float(got)
    return math.isclose(got, want, rel_tol=tolerance, abs_tol=tolerance)


def compare(answers: list[dict[str, Any]], keys: list[str], expected: list[dict[str, Any]],
            pairs: dict[str, str], tolerance: float = 1e-9) -> list[str]:
    """Every (metric, mart column) pair on every key row of the mart: the mf answer must match."""
    by_key = {tuple(key_of(row[k]) for k in keys): row for row in answers}
    problems = []
    for want in expected:
        key = tuple(key_of(want[k]) for k in ("key_" + str(i) for i in range(len(keys))))
        got = by_key.get(key)
        if got is None:
            problems.append(f"{key}: no mf row")
            continue
        for metric, column in pairs.items():
            if not same(got[metric], want[column], tolerance):
                problems.append(f"{key} {metric}: mf {got[metric]} vs mart {column} {want[column]}")
    return problems


@pytest.mark.slow
def test_mf_validate_configs_passes_against_the_warehouse(golden: dict[str, Path]) -> None:
    """Semantic checks plus MetricFlow's data-warehouse checks: every semantic model, dimension,
    entity, measure and metric queried on the built warehouse."""
    done = run_mf(golden, "validate-configs")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "ERRORS: 0" in done.stdout


@pytest.mark.slow
def test_mf_query_answers_the_headline_kpis_by_month_as_the_marts_do(golden: dict[str, Path]) -> None:
    pairs = {
        ("revenue_monthly", "month_start"): {
            "revenue": "revenue_usd", "average_order_value": "average_order_value_usd", "refund_rate": "refund_rate",
            "paid_orders": "paid_orders", "payment_success_rate": "payment_success_rate",
            "revenue_growth_yoy": "revenue_yoy_growth_rate"},
        ("course_success_monthly", "month_start"): {
            "enrollments": "enrollments", "completion_rate": "completion_rate",
            "certification_rate": "certification_rate", "course_nps": "nps"},
        ("business_subscriptions_monthly", "month_start"): {
            "mrr": "mrr_usd", "subscriber_churn_rate": "customer_churn_rate"},
        ("business_customer_economics_monthly", "month_start"): {
            "cac": "cac_usd", "new_paying_customers": "new_paying_customers", "clv_to_cac": "clv_to_cac_ratio"},
        ("scorecard_campaigns_monthly", "month_start"): {
            "campaign_spend": "spend_usd", "campaign_roi": "roi", "campaign_ctr": "ctr",
            "campaign_engagement_rate": "engagement_rate", "campaign_cpa": "cpa_usd"},
        ("instructors_monthly", "month_start"): {
            "active_instructors": "active_instructors", "instructor_retention_rate": "instructor_retention_rate",
            "courses_created": "courses_created"},
        ("engagement_active_students_monthly", "month_start"): {
            "monthly_active_students": "active_students", "dau_mau_stickiness": "dau_mau_stickiness_rate"},
        ("engagement_new_vs_returning_monthly", "month_start"): {"returning_student_share": "returning_student_share"},
        ("marketing_acquisition_monthly", "month_start"): {
            "new_enrolled_students": "new_enrolled_students", "enrollment_growth": "enrollment_growth_rate"},
    }
    metrics = [metric for columns in pairs.values() for metric in columns] + ["mrr_growth"]
    answers = mf_query(golden, metrics, ["metric_time__month"])
    problems = []
    for (table, key), columns in pairs.items():
        expected = sql(golden["warehouse"], f"select {key} as key_0, * from marts.{table}")
        assert expected, table
        problems += [f"{table}: {p}" for p in compare(answers, ["metric_time__month"], expected, columns)]
    # MRR growth: the mart divides unrounded MRR, MetricFlow the rounded mrr_usd of each month
    expected = sql(golden["warehouse"], "select month_start as key_0, * from marts.business_subscriptions_monthly")
    problems += compare(answers, ["metric_time__month"], expected, {"mrr_growth": "mrr_growth_rate"}, 1e-5)
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_mf_query_answers_the_quarterly_kpis_as_the_quarterly_mart_does(golden: dict[str, Path]) -> None:
    columns = {"customer_revenue": "revenue_usd", "clv": "clv_usd", "cac": "cac_usd",
               "clv_to_cac": "clv_to_cac_ratio", "new_paying_customers": "new_paying_customers"}
    answers = mf_query(golden, list(columns), ["metric_time__quarter"])
    expected = sql(
        golden["warehouse"], "select quarter_start as key_0, * from marts.business_customer_economics_quarterly"
    )
    assert expected
    problems = compare(answers, ["metric_time__quarter"], expected, columns)
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_mf_query_slices_revenue_by_category_and_instructor_tier_as_the_marts_do(golden: dict[str, Path]) -> None:
    answers = mf_query(golden, ["line_revenue"], ["metric_time__month", "course__category"])
    expected = sql(golden["warehouse"], """
        select month_start as key_0, category as key_1, revenue_usd from marts.revenue_by_category_monthly""")
    assert expected
    problems = compare(answers, ["metric_time__month", "course__category"], expected, {"line_revenue": "revenue_usd"})
    answers = mf_query(
        golden, ["line_revenue", "active_instructors"], ["metric_time__month", "instructor__pareto_segment"]
    )
    expected = sql(golden["warehouse"], """
        select activity.month_start as key_0, performance.pareto_segment as key_1,
            count(distinct activity.instructor_id) as active_instructors,
            (select sum(revenue.revenue_usd) from marts.revenue_by_instructor_monthly as revenue
             inner join marts.instructor_performance as tiers on revenue.instructor_id = tiers.instructor_id
             where revenue.month_start = activity.month_start and tiers.pareto_segment = performance.pareto_segment)
                as revenue_usd
        from marts.instructor_activity_monthly as activity
        inner join marts.instructor_performance as performance on activity.instructor_id = performance.instructor_id
        group by all""")
    assert expected
    problems += compare(answers, ["metric_time__month", "instructor__pareto_segment"], expected,
                        {"line_revenue": "revenue_usd", "active_instructors": "active_instructors"})
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_mf_query_slices_campaigns_by_platform_and_revenue_by_country(golden: dict[str, Path]) -> None:
    answers = mf_query(
        golden, ["campaign_spend", "campaign_roi", "campaign_ctr", "campaign_cpa"], ["campaign__platform"]
    )
    expected = sql(golden["warehouse"], "select platform as key_0, * from marts.campaign_performance_by_platform")
    assert expected
    problems = compare(answers, ["campaign__platform"], expected, {
        "campaign_spend": "spend_usd", "campaign_roi": "roi", "campaign_ctr": "ctr", "campaign_cpa": "cpa_usd"})
    answers = mf_query(golden, ["revenue", "enrollments"], ["student__country_code"])
    expected = sql(golden["warehouse"], """
        with collected as (
            select students.country_code, sum(orders.collected_usd) as collected_usd
            from marts.fct_orders as orders
            inner join marts.dim_students as students on orders.student_id = students.student_id
            group by 1
        ),
        refunded as (
            select students.country_code, sum(refunds.refund_amount_usd) as refunded_usd
            from marts.fct_refunds as refunds
            inner join marts.dim_students as students on refunds.student_id = students.student_id
            group by 1
        ),
        enrolled as (
            select students.country_code, count(*) as enrollments
            from marts.fct_enrollments as enrollments
            inner join marts.dim_students as students on enrollments.student_id = students.student_id
            group by 1
        )
        select country_code as key_0,
            coalesce(collected_usd, 0) - coalesce(refunded_usd, 0) as revenue_usd, enrollments
        from collected full join refunded using (country_code) full join enrolled using (country_code)""")
    assert expected
    problems += compare(answers, ["student__country_code"], expected,
                        {"revenue": "revenue_usd", "enrollments": "enrollments"})
    answers = mf_query(golden, ["sessions", "session_conversion_rate", "bounce_rate"], ["metric_time__day"])
    expected = sql(golden["warehouse"], "select date_day as key_0, * from marts.platform_traffic_daily")
    problems += compare(answers, ["metric_time__day"], expected, {
        "sessions": "sessions", "session_conversion_rate": "conversion_rate", "bounce_rate": "bounce_rate"})
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_the_readme_query_slices_revenue_and_completion_by_month_and_category(golden: dict[str, Path]) -> None:
    """The README's example, as written there, answers: net revenue by month and course category
    adds up to the month's revenue_monthly.revenue_usd (collected payments shared over the order
    lines by paid value, refunds by refunded line), and completion by category is the cohort's."""
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    command = "mf query --metrics revenue,completion_rate --group-by metric_time__month,course__category"
    assert command in readme
    metrics, group_by = command.split("--metrics ")[1].split(" --group-by ")
    answers = mf_query(golden, metrics.split(","), group_by.split(","))
    assert {row["course__category"] for row in answers} >= {"development", "data_science"}
    totals: dict[Any, float] = {}
    for row in answers:
        if row["revenue"] not in (None, ""):
            key = key_of(row["metric_time__month"])
            totals[key] = totals.get(key, 0.0) + float(row["revenue"])
    expected = sql(golden["warehouse"], "select month_start as key_0, revenue_usd from marts.revenue_monthly")
    assert expected
    problems = [
        f"{key_of(want['key_0'])}: mf {totals.get(key_of(want['key_0']), 0.0)} vs mart {want['revenue_usd']}"
        for want in expected
        if not same(totals.get(key_of(want["key_0"]), 0.0), want["revenue_usd"], 1e-6)
    ]
    expected = sql(golden["warehouse"], """
        select cast(date_trunc('month', enrolled_at) as date) as key_0, course_category as key_1,
            avg(case when is_completed then 1.0 else 0.0 end) as completion_rate
        from marts.fct_enrollments group by all""")
    problems += compare(answers, ["metric_time__month", "course__category"], expected,
                        {"completion_rate": "completion_rate"})
    assert not problems, "\n".join(problems)
