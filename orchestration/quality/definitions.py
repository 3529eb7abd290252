"""What is validated: every suite and expectation, derived from the contract and the dbt YAML.

Nothing here talks to GX or the warehouse. `python -m orchestration.quality render` writes these
definitions as GX suite files to `expectations/suites/` (version-controlled; a test fails when they
are out of date), and the runner validates the files, not this module.

Each expectation carries `meta`: the `standard` it serves (completeness, accuracy, timeliness,
consistency), its `severity` (critical: a failure stops the run; warning: printed only), the
`table` it judges and a readable `name`. Queries of `UnexpectedRowsExpectation` return the rows
that break the rule, shaped so the row itself is the observed value (a batch and its counts, a
source and its age, a column and its null count).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from orchestration.contracts import ENTITIES, TIMED_SOURCES, ConsistencyRule, Entity, ExistsIn
from orchestration.identifiers import sql_string
from orchestration.settings import PROJECT_DIR, SCORECARD_MODELS

COMPLETENESS, ACCURACY, TIMELINESS, CONSISTENCY = "completeness", "accuracy", "timeliness", "consistency"
STANDARDS = (COMPLETENESS, ACCURACY, TIMELINESS, CONSISTENCY)
CRITICAL, WARNING = "critical", "warning"
ACCURACY_MIN_VALID_SHARE = 0.99
TIMELINESS_MAX_AGE_HOURS = 24
MARTS_SCHEMA = "marts"
KPI_CATALOG = "kpi_catalog"  # seed of another issue, checked once seeds/kpi_catalog.csv exists
LANDED_FILES_PARAMETER = "landed_files"


@dataclass(frozen=True)
class SuiteSpec:
    name: str
    schema: str  # the table GX validates as the batch ({batch} in queries)
    table: str
    description: str
    expectations: list[dict[str, Any]] = field(default_factory=list)

    def add(self, type_: str, name: str, standard: str, table: str, severity: str = CRITICAL, **kwargs: Any) -> None:
        if severity == CRITICAL and standard == CONSISTENCY:
            raise ValueError("consistency expectations are warnings")
        meta = {"name": name, "standard": standard, "severity": severity, "table": table}
        self.expectations.append({"type": type_, "kwargs": kwargs, "meta": meta})


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _model(entity: Entity, prefix: str) -> str:
    return f"staging.{prefix}_{entity.source}__{entity.name}"


def _nulls_query(columns: list[str]) -> str:
    """One scan: the required columns that hold nulls, with how many."""
    counts = ",\n        ".join(f"count(*) filter (where {_q(c)} is null) as {_q(c)}" for c in columns)
    return (
        "select column_name, null_rows\n"
        f"from (\n    unpivot (\n        select\n        {counts}\n        from {{batch}}\n    )\n"
        "    on columns(*) into name column_name value null_rows\n)\n"
        "where null_rows > 0"
    )


def _not_null_columns(yaml_paths: list[Path], model_prefix: str | None) -> dict[str, list[str]]:
    """Per dbt model, the columns its YAML declares not null: the model's `not_null_columns` tests
    and any column's own `not_null` test."""
    found: dict[str, list[str]] = {}
    for path in sorted(yaml_paths):
        document = yaml.safe_load(path.read_text()) or {}
        for model in document.get("models") or []:
            name = model.get("name", "")
            if model_prefix and not name.startswith(model_prefix):
                continue
            columns = []
            for test in model.get("data_tests") or []:
                if isinstance(test, dict) and "not_null_columns" in test:
                    columns += test["not_null_columns"]["arguments"]["column_names"]
            for column in model.get("columns") or []:
                tests = (column.get("data_tests") or []) + (column.get("tests") or [])
                if any(t == "not_null" or (isinstance(t, dict) and "not_null" in t) for t in tests):
                    columns.append(column["name"])
            found[name] = list(dict.fromkeys(columns))
    return found


# ------------------------------------------------------------------------------------ landing
def landing_suite() -> SuiteSpec:
    suite = SuiteSpec(
        "landing",
        "raw",
        "load_ledger",
        "Every landing file is in the ledger, and none is refused: a refused file's rows are missing records.",
    )
    suite.add(
        "expect_column_distinct_values_to_contain_set",
        "every landed file is in the ledger",
        COMPLETENESS,
        "raw.load_ledger",
        column="file_path",
        value_set={"$PARAMETER": LANDED_FILES_PARAMETER},
    )
    suite.add(
        "expect_column_values_to_be_in_set",
        "every ledger entry is loaded, failed or set aside",
        COMPLETENESS,
        "raw.load_ledger",
        column="status",
        value_set=["loaded", "failed", "set_aside"],
    )
    refused = """
select
    inventory.file_path,
    inventory.estimated_rows as missing_rows_estimated,
    ledger.error
from raw.landing_inventory as inventory
inner join {batch} as ledger on inventory.batch_id = ledger.batch_id
where ledger.status = 'failed'
order by inventory.file_path""".strip()
    suite.add(
        "unexpected_rows_expectation",
        "no landing file is refused: fix, remove or set aside each refused file",
        COMPLETENESS,
        "raw.landing_inventory",
        unexpected_rows_query=refused,
        description=(
            "A file in the landing dir that was refused whole holds records the warehouse does not have "
            "(estimated from its line count). It counts against completeness until it is fixed, removed, "
            "or set aside with `python -m orchestration.landing set-aside`."
        ),
    )
    return suite


# --------------------------------------------------------------------------------- entities
def entity_suite(entity: Entity, stg_required: list[str]) -> SuiteSpec:
    stg, quarantine = _model(entity, "stg"), _model(entity, "quarantine")
    suite = SuiteSpec(
        f"entity__{entity.name}",
        "staging",
        f"base_{entity.source}__{entity.name}",
        f"{entity.source}.{entity.name}: raw rows accounted for, valid share, required columns.",
    )
    per_batch = f"""
with
raw_rows as (select _batch_id, count(*) as n from raw.{entity.name} group by _batch_id),
ledger as (
    select batch_id as _batch_id, rows_loaded as n from raw.load_ledger
    where status = 'loaded' and entity = '{entity.name}' and rows_loaded > 0
),
staged as (select _batch_id, count(*) as n from {stg} group by _batch_id),
quarantined as (select _batch_id, count(*) as n from {quarantine} group by _batch_id),
duplicates as (select _batch_id, count(*) as n from {{batch}} where _is_duplicate group by _batch_id),
batches as (
    select _batch_id from raw_rows union select _batch_id from ledger
    union select _batch_id from staged union select _batch_id from quarantined
),
balance as (
    select
        batches._batch_id as batch_id,
        coalesce(ledger.n, 0) as ledger_rows,
        coalesce(raw_rows.n, 0) as raw_rows,
        coalesce(staged.n, 0) as staged_rows,
        coalesce(quarantined.n, 0) as quarantined_rows,
        coalesce(duplicates.n, 0) as duplicates_removed
    from batches
    left join raw_rows on batches._batch_id = raw_rows._batch_id
    left join ledger on batches._batch_id = ledger._batch_id
    left join staged on batches._batch_id = staged._batch_id
    left join quarantined on batches._batch_id = quarantined._batch_id
    left join duplicates on batches._batch_id = duplicates._batch_id
)
select * from balance
where raw_rows <> ledger_rows or raw_rows <> staged_rows + quarantined_rows + duplicates_removed
order by batch_id""".strip()
    suite.add(
        "unexpected_rows_expectation",
        f"{entity.name}: per batch, ledger rows = raw = staged + quarantined + duplicates removed",
        COMPLETENESS,
        f"raw.{entity.name}",
        unexpected_rows_query=per_batch,
        description=f"Every row of every loaded file of raw.{entity.name} is staged, quarantined "
        "or a removed duplicate.",
    )
    per_table = f"""
select *
from (
    select
        (select count(*) from raw.{entity.name}) as raw_rows,
        (select count(*) from {stg}) as staged_rows,
        (select count(*) from {quarantine}) as quarantined_rows,
        (select count(*) from {{batch}} where _is_duplicate) as duplicates_removed
)
where raw_rows <> staged_rows + quarantined_rows + duplicates_removed""".strip()
    suite.add(
        "unexpected_rows_expectation",
        f"{entity.name}: raw = staged + quarantined + duplicates removed",
        COMPLETENESS,
        f"raw.{entity.name}",
        unexpected_rows_query=per_table,
        description=f"raw.{entity.name} in total: raw = staged + quarantined + duplicates removed.",
    )
    suite.add(
        "expect_column_proportion_of_non_null_values_to_be_between",
        f"{entity.name}: at least {ACCURACY_MIN_VALID_SHARE:.0%} of raw rows valid",
        ACCURACY,
        f"raw.{entity.name}",
        column="_dq_reason",
        min_value=0,
        max_value=round(1 - ACCURACY_MIN_VALID_SHARE, 6),
        description=(
            f"Share of raw.{entity.name} rows failing validity (types, ranges, enums, references; "
            f"`_dq_reason` set) is at most {1 - ACCURACY_MIN_VALID_SHARE:.0%}."
        ),
    )
    conflicts = """
select
    _source_file as overwritten_file,
    _conflict_with_file as kept_file,
    count(*) as conflicting_rows
from {batch}
where _conflict_with_file is not null
group by _source_file, _conflict_with_file
order by overwritten_file, kept_file""".strip()
    suite.add(
        "unexpected_rows_expectation",
        f"{entity.name}: no two files of one landing run disagree on a key",
        CONSISTENCY,
        f"raw.{entity.name}",
        severity=WARNING,
        unexpected_rows_query=conflicts,
        description=(
            f"Rows of raw.{entity.name} whose business key came with other values in another file of the same "
            "landing run: the later file was kept, the earlier one is named here with it."
        ),
    )
    if stg_required:
        query = _nulls_query(stg_required).replace("{batch}", stg)
        # keep the batch in the query so GX scopes it: count over the staged model via the base
        query = query.replace("where null_rows > 0", "where null_rows > 0 and exists (select 1 from {batch})")
        suite.add(
            "unexpected_rows_expectation",
            f"{entity.name}: required columns never null in {stg}",
            COMPLETENESS,
            stg,
            unexpected_rows_query=query,
            description=f"Columns of {stg} that dbt declares not_null hold no nulls: {', '.join(stg_required)}.",
        )
    return suite


# ------------------------------------------------------------------------------- timeliness
def business_timestamps(source: str) -> list[str]:
    """`select max(ts)` per entity of the source, as the UTC instant the newest data is complete to."""
    parts = []
    for entity in ENTITIES:
        if entity.source != source:
            continue
        for column in entity.columns:
            month_key = entity.layout == "monthly" and column.type == "date" and column.name in entity.key
            if column.name != entity.partitioned_by and not month_key:
                continue
            # a date covers its whole day: the data is complete to the end of it
            value = (
                f"cast({_q(column.name)} as timestamp) + interval 1 day"
                if column.type == "date"
                else f"cast({_q(column.name)} as timestamp)"
            )
            parts.append(f"select max({value}) as newest from {_model(entity, 'base')} where _dq_reason is null")
    return parts


def timeliness_suite() -> SuiteSpec:
    suite = SuiteSpec(
        "timeliness",
        "raw",
        "load_ledger",
        f"Each source system's data is within {TIMELINESS_MAX_AGE_HOURS} hours of the run.",
    )
    for source in TIMED_SOURCES:
        loads = "\n    union all\n    ".join(
            f"select max(_loaded_at) as newest from raw.{e.name}" for e in ENTITIES if e.source == source
        )
        business = "\n    union all\n    ".join(business_timestamps(source))
        for label, newest in (("newest _loaded_at", loads), ("newest business timestamp", business)):
            if not newest:
                continue
            query = f"""
with newest as (
    {newest}
),
source as (
    select '{source}' as source_name, max(newest) as newest_utc
    from newest
    where exists (select 1 from {{batch}} where source_name = '{source}')
)
select
    source_name,
    newest_utc,
    round((epoch(now()) - epoch(newest_utc)) / 3600, 1) as age_hours
from source
where newest_utc is null or epoch(now()) - epoch(newest_utc) > {TIMELINESS_MAX_AGE_HOURS} * 3600""".strip()
            suite.add(
                "unexpected_rows_expectation",
                f"{source}: {label} within {TIMELINESS_MAX_AGE_HOURS} h",
                TIMELINESS,
                f"source {source}",
                unexpected_rows_query=query,
                description=f"The {label} of source {source} is at most {TIMELINESS_MAX_AGE_HOURS} hours "
                "before the run (UTC).",
            )
    return suite


# ------------------------------------------------------------------------------------ marts
# "Mart totals match their source exactly": each query returns the measures that differ.
RECONCILIATIONS: dict[str, list[tuple[str, str]]] = {
    "fct_orders": [
        (
            "orders: order count and order totals per currency match staging to the cent",
            """
with mart as (
    select currency_code, count(*) as orders, sum(order_total) as order_total from {batch} group by all
),
source as (
    select currency_code, count(*) as orders, sum(order_total) as order_total
    from staging.stg_marketplace__orders group by all
)
select
    coalesce(mart.currency_code, source.currency_code) as currency_code,
    mart.orders as mart_orders, source.orders as source_orders,
    mart.order_total as mart_total, source.order_total as source_total
from mart full outer join source on mart.currency_code = source.currency_code
where mart.orders is distinct from source.orders
   or round(mart.order_total, 2) is distinct from round(source.order_total, 2)""",
        )
    ],
    "revenue_monthly": [
        (
            "revenue: monthly revenue_usd matches staging payments minus refunds to the cent",
            # converted as macros/commerce/commerce_to_usd.sql does: exact decimals, or a half-cent
            # product rounds the other way
            """
with rates as (select currency_code, date_day, usd_per_unit from intermediate.int_exchange_rates_daily),
collected as (
    select cast(date_trunc('month', orders.ordered_at) as date) as month_start,
        sum(cast(round(cast(payments.payment_amount as decimal(20, 6)) * cast(rates.usd_per_unit as decimal(18, 8)), 2)
            as decimal(18, 2))) as usd
    from staging.stg_marketplace__payments as payments
    inner join staging.stg_marketplace__orders as orders on payments.order_id = orders.order_id
    inner join rates on payments.currency_code = rates.currency_code
        and cast(payments.attempted_at as date) = rates.date_day
    where payments.payment_status = 'succeeded'
    group by all
),
refunded as (
    select cast(date_trunc('month', refunds.refunded_at) as date) as month_start,
        sum(cast(round(cast(refunds.refund_amount as decimal(20, 6)) * cast(rates.usd_per_unit as decimal(18, 8)), 2)
            as decimal(18, 2))) as usd
    from staging.stg_marketplace__refunds as refunds
    inner join rates on refunds.currency_code = rates.currency_code
        and cast(refunds.refunded_at as date) = rates.date_day
    group by all
),
-- an export without payments or refunds has no revenue, as in the mart (int_source_coverage)
staged as (
    select (select count(*) from staging.stg_marketplace__payments) as payments,
        (select count(*) from staging.stg_marketplace__refunds) as refunds
),
source as (
    select coalesce(collected.month_start, refunded.month_start) as month_start,
        case when staged.payments > 0 and staged.refunds > 0
            then coalesce(collected.usd, 0) - coalesce(refunded.usd, 0) end as revenue_usd
    from collected full outer join refunded on collected.month_start = refunded.month_start
    cross join staged
)
select coalesce(mart.month_start, source.month_start) as month_start,
    mart.revenue_usd as mart_revenue_usd, source.revenue_usd as source_revenue_usd
from {batch} as mart full outer join source on mart.month_start = source.month_start
where coalesce(mart.revenue_usd, 0) <> coalesce(source.revenue_usd, 0)
order by 1""",
        )
    ],
    "fct_enrollments": [
        (
            "enrollments: enrollment count matches staging",
            """
select mart_enrollments, source_enrollments
from (
    select (select count(*) from {batch}) as mart_enrollments,
        (select count(*) from staging.stg_learning__enrollments) as source_enrollments
)
where mart_enrollments <> source_enrollments""",
        )
    ],
    "fct_campaign_daily": [
        (
            "campaign spend: total spend_usd matches the platforms' reported spend to the cent",
            """
select mart_spend_usd, source_spend_usd
from (
    select (select coalesce(sum(spend_usd), 0) from {batch}) as mart_spend_usd,
        (select coalesce(round(sum(spend_usd), 2), 0) from staging.stg_marketing__campaign_metrics)
            as source_spend_usd
)
where mart_spend_usd <> source_spend_usd""",
        )
    ],
}


def mart_suites(mart_required: dict[str, list[str]], mart_names: list[str]) -> list[SuiteSpec]:
    suites = []
    for name in sorted(set(mart_names)):
        suite = SuiteSpec(f"mart__{name}", MARTS_SCHEMA, name, f"{MARTS_SCHEMA}.{name}: required columns, totals.")
        columns = mart_required.get(name) or []
        if columns:
            suite.add(
                "unexpected_rows_expectation",
                f"{name}: required columns never null",
                COMPLETENESS,
                f"{MARTS_SCHEMA}.{name}",
                unexpected_rows_query=_nulls_query(columns),
                description=f"Columns the mart declares not_null hold no nulls: {', '.join(columns)}.",
            )
        for label, query in RECONCILIATIONS.get(name, []):
            suite.add(
                "unexpected_rows_expectation",
                label,
                ACCURACY,
                f"{MARTS_SCHEMA}.{name}",
                unexpected_rows_query=query.strip(),
                description="Mart totals match their source exactly.",
            )
        if suite.expectations:
            suites.append(suite)
    return suites


# ------------------------------------------------------------------------------ consistency
def consistency_suite(with_kpi_catalog: bool, scorecard_tables: Sequence[str] = ()) -> SuiteSpec:
    """Schema and KPI-catalog drift. The scorecard's tables share the marts schema but are built
    after validation (models/scorecard): the schema comparison leaves them out, as it would see
    the previous run's."""
    suite = SuiteSpec(
        "consistency", "audit", "schema_snapshots", "Mart schemas and KPI definitions do not change silently."
    )
    not_scorecard = (
        f"\n      and table_name not in ({', '.join(sql_string(t) for t in sorted(scorecard_tables))})"
        if scorecard_tables
        else ""
    )
    schema_query = f"""
with previous as (
    select table_name, column_name, data_type from {{batch}}
    where kind = 'column'
      and run_id = (select max_by(run_id, captured_at) from {{batch}} where kind = 'column'){not_scorecard}
),
current as (
    select table_name, column_name, data_type from information_schema.columns
    where table_schema = '{MARTS_SCHEMA}'{not_scorecard}
)
select
    coalesce(current.table_name, previous.table_name) as table_name,
    coalesce(current.column_name, previous.column_name) as column_name,
    case when previous.column_name is null then 'added'
         when current.column_name is null then 'removed'
         else 'type changed' end as change,
    previous.data_type as previous_type,
    current.data_type as current_type
from current
full outer join previous
    on current.table_name = previous.table_name and current.column_name = previous.column_name
where (select count(*) from previous) > 0
  and (previous.column_name is null or current.column_name is null or previous.data_type <> current.data_type)
order by 1, 2""".strip()
    suite.add(
        "unexpected_rows_expectation",
        "mart schemas unchanged since the previous run",
        CONSISTENCY,
        f"{MARTS_SCHEMA}.*",
        severity=WARNING,
        unexpected_rows_query=schema_query,
        description="Columns added, removed or retyped in the marts since the previous validated run.",
    )
    if with_kpi_catalog:
        catalog_query = f"""
with previous as (
    select definition_hash from {{batch}}
    where kind = 'kpi_catalog'
      and run_id = (select max_by(run_id, captured_at) from {{batch}} where kind = 'kpi_catalog')
),
current as (
    select md5(string_agg(cast(k as varchar), '|' order by cast(k as varchar))) as definition_hash
    from {MARTS_SCHEMA}.{KPI_CATALOG} as k
)
select previous.definition_hash as previous_hash, current.definition_hash as current_hash
from current cross join previous
where previous.definition_hash <> current.definition_hash""".strip()
        suite.add(
            "unexpected_rows_expectation",
            "KPI catalog definitions unchanged since the previous run",
            CONSISTENCY,
            f"{MARTS_SCHEMA}.{KPI_CATALOG}",
            severity=WARNING,
            unexpected_rows_query=catalog_query,
            description="The KPI catalog's definitions are the same as in the previous validated run.",
        )
    return suite


# ---------------------------------------------------- consistency rules across entities
def rule_summary(rule: ConsistencyRule) -> str:
    """The rule in words, from the contract: "attempted_at is not before its order's ordered_at"."""
    if isinstance(rule, ExistsIn):
        pairs = ", ".join(
            c if c == k else f"{c} (as {k})" for c, k in zip(rule.columns, rule.entity_columns, strict=True)
        )
        return f"some staged {rule.entity} row matches its {pairs}"
    anchors = " or, when it has none, ".join(a.label for a in rule.anchors)
    return f"{rule.column} is not before {anchors}"


def add_consistency_rule_expectations(suite: SuiteSpec, entity: Entity) -> SuiteSpec:
    """One expectation per consistency rule of the entity: how many rows its quarantine model holds
    for the rule (reasons start with the rule's name), named by rule and entity.

    A warning, not critical, by decision and as the consistency standard requires: the rows are
    already quarantined, so the marts and revenue exclude them and the row accounting balances;
    the warning tells the source system's owner that its exports contradict each other.
    """
    quarantine = _model(entity, "quarantine")
    for rule in entity.consistency_rules:
        # the quarantine model is the count; {batch} (the base model) only scopes it for GX
        query = f"""
select
    '{rule.name}' as rule_name,
    '{entity.name}' as entity,
    count(*) as quarantined_rows,
    min(dq_reason) as example_reason
from {quarantine}
where (starts_with(dq_reason, '{rule.name}: ') or contains(dq_reason, '; {rule.name}: '))
  and exists (select 1 from {{batch}})
having count(*) > 0""".strip()
        suite.add(
            "unexpected_rows_expectation",
            f"{entity.name}: no rows break consistency rule {rule.name}",
            CONSISTENCY,
            quarantine,
            severity=WARNING,
            unexpected_rows_query=query,
            description=(
                f"Rows of raw.{entity.name} quarantined by the consistency rule {rule.name} "
                f"({rule_summary(rule)}). A warning: the rows are already kept out of the marts and "
                "revenue, and the balance raw = staged + quarantined + duplicates holds; the source "
                "exports contradict each other and need fixing at the source."
            ),
        )
    return suite


# ---------------------------------------------------------------------------------- all of it
def all_suites(project_dir: Path = PROJECT_DIR) -> list[SuiteSpec]:
    stg_required = _not_null_columns(list((project_dir / "models" / "staging").glob("*/_*models.yml")), "stg_")
    mart_yaml = list((project_dir / "models" / "marts").glob("**/*.yml"))
    mart_required = _not_null_columns(mart_yaml, None)
    mart_names = [p.stem for p in (project_dir / "models" / "marts").glob("**/*.sql")]
    has_catalog = (project_dir / "seeds" / f"{KPI_CATALOG}.csv").exists()
    if has_catalog:
        mart_names.append(KPI_CATALOG)
    suites = [landing_suite(), timeliness_suite()]
    for entity in ENTITIES:
        suite = entity_suite(entity, stg_required.get(f"stg_{entity.source}__{entity.name}", []))
        suites.append(add_consistency_rule_expectations(suite, entity))
    suites += mart_suites(mart_required, mart_names)
    scorecard_tables = [p.stem for p in (project_dir / SCORECARD_MODELS).glob("*.sql")]
    suites.append(consistency_suite(has_catalog, scorecard_tables))
    return suites
