"""The Great Expectations suites as Dagster asset checks (no definitions here: a helper module).

Every expectation of `expectations/suites/*.json` carries the standard it serves and the table it
judges (`meta.standard`, `meta.table`). Expectations are grouped into one check per asset and
standard: `gx_completeness`, `gx_accuracy`, `gx_timeliness`, `gx_consistency`, on

- `raw/load_ledger` for the landing suite (every landed file is in the ledger);
- the staging model GX validates (`staging/base_<source>__<entity>`, or the `stg_` model whose
  required columns are checked) for the entity suites: raw rows accounted for, 99% valid;
- `marts/<mart>` for the mart suites: required columns, totals reconciled with staging;
- `raw/<source>` for timeliness (newest load and newest business timestamp within 24 hours);
- `marts/kpi_catalog` for the consistency warnings (KPI definitions, and all marts' schemas).

A check passes when all its expectations are met. Completeness and accuracy checks are blocking:
when one fails, the assets downstream of its table are not materialized in that run. GX runs through
`orchestration.quality.runner.validate` (the same code as `make validate`), once per pipeline
stage; the stages of one Dagster run are recorded in `audit.dq_results` / `audit.dq_scores` as one
validation run, `dagster-<run id>`, rewritten after each stage so its scores always cover every
suite validated so far. The marts stage validates before the scorecard is built, so the scorecard's
data-quality KPI reads this run's overall score.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from orchestration import duckdb_connect
from orchestration.quality import data_mode, store
from orchestration.quality.definitions import ACCURACY, COMPLETENESS, CONSISTENCY, CRITICAL, TIMELINESS
from orchestration.quality.runner import validate
from orchestration.quality.standards import ResultRow
from orchestration.quality.suites import SUITES_DIR, load_documents
from orchestration.settings import Settings

BLOCKING_STANDARDS = (COMPLETENESS, ACCURACY)
CHECK_NAMES = {
    COMPLETENESS: "gx_completeness",
    ACCURACY: "gx_accuracy",
    TIMELINESS: "gx_timeliness",
    CONSISTENCY: "gx_consistency",
}
LEDGER_KEY = dg.AssetKey(["raw", "load_ledger"])
# where "marts.*" (schema drift) shows: a marts-layer asset, as GX runs before the scorecard is built
ALL_MARTS_TARGET = dg.AssetKey(["marts", "kpi_catalog"])

# Which stage of the run validates a suite: after landing, after the staging layer, after the marts.
LANDING, STAGING, MARTS = "landing", "staging", "marts"


def stage_of(suite: str) -> str:
    if suite == "landing":
        return LANDING
    if suite == "timeliness" or suite.startswith("entity__"):
        return STAGING
    return MARTS


@dataclass(frozen=True)
class Expectation:
    suite: str
    name: str
    standard: str
    severity: str
    description: str


@dataclass(frozen=True)
class GxCheck:
    asset_key: dg.AssetKey
    standard: str
    expectations: tuple[Expectation, ...]

    @property
    def name(self) -> str:
        return CHECK_NAMES.get(self.standard, f"gx_{self.standard}")

    @property
    def key(self) -> dg.AssetCheckKey:
        return dg.AssetCheckKey(self.asset_key, self.name)

    @property
    def suites(self) -> set[str]:
        return {e.suite for e in self.expectations}

    @property
    def blocking(self) -> bool:
        return self.standard in BLOCKING_STANDARDS

    @property
    def severity(self) -> dg.AssetCheckSeverity:
        critical = any(e.severity == CRITICAL for e in self.expectations)
        return dg.AssetCheckSeverity.ERROR if critical else dg.AssetCheckSeverity.WARN

    def description(self) -> str:
        lines = [f"Great Expectations, {self.standard} standard ({'blocking' if self.blocking else 'not blocking'}):"]
        lines += [f"- {e.name} (suite {e.suite})" for e in self.expectations]
        return "\n".join(lines)

    def spec(self, additional_deps: Iterable[dg.AssetKey] = ()) -> dg.AssetCheckSpec:
        deps = [k for k in dict.fromkeys(additional_deps) if k != self.asset_key]
        return dg.AssetCheckSpec(
            self.name,
            asset=self.asset_key,
            description=self.description(),
            blocking=self.blocking,
            additional_deps=deps or None,
            metadata={"standard": self.standard, "suites": ", ".join(sorted(self.suites))},
        )

    def result(self, rows: Iterable[ResultRow], dq_run_id: str) -> dg.AssetCheckResult:
        by_name = {(r.suite, r.expectation): r for r in rows}
        metadata: dict[str, dg.MetadataValue] = {}
        failed = []
        for expectation in self.expectations:
            row = by_name.get((expectation.suite, expectation.name))
            observed = row.observed_value if row else "not evaluated"
            ok = bool(row and row.success)
            if not ok:
                failed.append(f"{expectation.name}: {observed}")
            metadata[f"{'met' if ok else 'FAILED'}: {expectation.name}"] = dg.MetadataValue.text(observed)
        metadata["expectations met"] = dg.MetadataValue.text(
            f"{len(self.expectations) - len(failed)} / {len(self.expectations)}"
        )
        metadata["dq_run_id"] = dg.MetadataValue.text(dq_run_id)
        return dg.AssetCheckResult(
            asset_key=self.asset_key,
            check_name=self.name,
            passed=not failed,
            severity=self.severity,
            description="; ".join(failed)[:2000] if failed else f"all {len(self.expectations)} expectations met",
            metadata=metadata,
        )


def target_key(meta_table: str, batch: dict[str, str]) -> dg.AssetKey:
    """The asset an expectation is reported on (see the module docstring)."""
    batch_key = dg.AssetKey([batch["schema"], batch["table"]])
    if meta_table.startswith("source "):
        return dg.AssetKey(["raw", meta_table.removeprefix("source ")])
    if meta_table == "raw.load_ledger":
        return LEDGER_KEY
    schema, _, table = meta_table.partition(".")
    if schema == "raw":  # raw rows judged through the staging model GX validates
        return batch_key
    if table == "*":
        return ALL_MARTS_TARGET
    return dg.AssetKey([schema, table]) if schema and table else batch_key


def gx_checks(
    stages: Iterable[str],
    known_keys: set[dg.AssetKey] | None = None,
    suites_dir: Path = SUITES_DIR,
    warn: Callable[[str], None] | None = None,
) -> list[GxCheck]:
    """The checks of the given stages, from the suite files; expectations on assets that do not
    exist (a suite file older than the models) are left out, with a warning."""
    wanted = set(stages)
    grouped: dict[tuple[dg.AssetKey, str], list[Expectation]] = defaultdict(list)
    for document in load_documents(suites_dir):
        if stage_of(document["name"]) not in wanted:
            continue
        batch = document["meta"]["batch"]
        for item in document["expectations"]:
            meta = item["meta"]
            key = target_key(meta.get("table", ""), batch)
            if known_keys is not None and key not in known_keys:
                if warn:
                    warn(
                        f"GX suite {document['name']}: no asset {key.to_user_string()} "
                        f"for '{meta.get('name')}'; not a check"
                    )
                continue
            grouped[(key, meta["standard"])].append(
                Expectation(
                    suite=document["name"],
                    name=meta.get("name", item["type"]),
                    standard=meta["standard"],
                    severity=meta.get("severity", CRITICAL),
                    description=item["kwargs"].get("description", ""),
                )
            )
    return [
        GxCheck(key, standard, tuple(items))
        for (key, standard), items in sorted(grouped.items(), key=lambda kv: (kv[0][0].to_user_string(), kv[0][1]))
    ]


def dq_run_id(dagster_run_id: str) -> str:
    return f"dagster-{dagster_run_id}"


def _record_cumulative(warehouse: Path, run_id: str, rows: list[ResultRow]) -> None:
    """Record `rows` as part of validation run `run_id`: the run's earlier results of other suites
    are kept, and its scores and schema snapshot are recomputed over all of them."""
    suites = {r.suite for r in rows}
    with duckdb_connect.connect(str(warehouse)) as con:
        store.prepare(con)
        earlier = [
            ResultRow(*values)
            for values in con.execute(
                "select run_id, suite, expectation, standard, table_name, observed_value, success, severity, "
                "validated_at from audit.dq_results where run_id = ?",
                [run_id],
            ).fetchall()
            if values[1] not in suites
        ]
        con.execute("begin")
        for table in ("dq_results", "dq_scores", "schema_snapshots"):
            con.execute(f"delete from audit.{table} where run_id = ?", [run_id])
        con.execute("commit")
        # this stage's rows first: the run's scores carry their validation time (publishing
        # refuses a validation older than the last build)
        store.record(con, run_id, rows + earlier)


def run_gx(settings: Settings, run_id: str, checks: Iterable[GxCheck]) -> list[ResultRow]:
    """Validate the suites behind `checks` with GX (read-only) and record the outcome."""
    checks = list(checks)
    suites = set().union(*(c.suites for c in checks)) if checks else set()
    if not suites:
        return []
    with duckdb_connect.connect(str(settings.warehouse_path)) as con:
        store.prepare(con)  # the consistency suite reads audit.schema_snapshots
        historical = data_mode.read(con).historical
    not_applicable = not_applicable_rows(checks, run_id) if historical else []
    if historical:  # declared by `make run HISTORICAL=1`: timeliness is not judged, nor scored
        suites.discard(TIMELINESS)
        if not suites:
            return not_applicable
    run = validate(
        settings.warehouse_path,
        settings.landing_dir,
        run_id=run_id,
        record=False,
        docs_dir=None,
        suites=lambda name: name in suites,
    )
    _record_cumulative(settings.warehouse_path, run_id, run.results)
    return run.results + not_applicable


def not_applicable_rows(checks: Iterable[GxCheck], run_id: str) -> list[ResultRow]:
    """The timeliness expectations of `checks` as met and not applicable (a historical export):
    the checks say so instead of failing; nothing of it is recorded or scored."""
    now = datetime.now(UTC).replace(tzinfo=None)
    return [
        ResultRow(run_id, e.suite, e.name, e.standard, "", data_mode.TIMELINESS_NOT_APPLICABLE, True, e.severity, now)
        for check in checks
        for e in check.expectations
        if e.standard == TIMELINESS
    ]
