"""dbt-project-evaluator on this project: `make evaluate`.

The evaluator (dbt Labs' package of rules on a project's graph: naming, layers, joins, tests,
documentation) runs in a scratch copy of the project, so the project itself has no package to
install: `dbt deps` cannot reach the dbt package hub on every machine. The copy installs the
packages from the hub, or, offline, from local checkouts (`--evaluator-dir`, `--dbt-utils-dir`,
or DBT_PROJECT_EVALUATOR_DIR / DBT_UTILS_DIR). What the evaluator must know about this project's
conventions, the rules that do not apply, and each exception with its reason are in
`orchestration/evaluator_rules.yml`. Exits 1 when a rule reports anything not written down there.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from orchestration import duckdb_connect
from orchestration.dbt_runner import run_dbt
from orchestration.scratch_project import copy_project
from orchestration.settings import PROJECT_DIR, Settings

RULES_FILE = PROJECT_DIR / "orchestration/evaluator_rules.yml"
PACKAGE = "dbt_project_evaluator"
# What the copy installs from the hub when no local checkouts are given.
HUB_NAME = "dbt-labs/dbt_project_evaluator"
HUB_PACKAGES = {HUB_NAME: "1.3.2", "dbt-labs/dbt_utils": "1.3.3"}
# The package's rules: one table each, which its tests check.
RULES = frozenset({
    "fct_chained_views_dependencies", "fct_direct_join_to_source", "fct_documentation_coverage",
    "fct_duplicate_sources", "fct_exposure_parents_materializations",
    "fct_exposures_dependent_on_private_models", "fct_hard_coded_references",
    "fct_marts_or_intermediate_dependent_on_source", "fct_missing_primary_key_tests",
    "fct_model_directories", "fct_model_fanout", "fct_model_naming_conventions",
    "fct_multiple_sources_joined", "fct_public_models_without_contract",
    "fct_rejoining_of_upstream_concepts", "fct_root_models", "fct_source_directories",
    "fct_source_fanout", "fct_sources_without_freshness", "fct_staging_dependent_on_marts_or_intermediate",
    "fct_staging_dependent_on_staging", "fct_test_coverage", "fct_test_directories", "fct_too_many_joins",
    "fct_undocumented_models", "fct_undocumented_public_models", "fct_undocumented_source_tables",
    "fct_undocumented_sources", "fct_unused_sources",
})


class EvaluatorError(Exception):
    """The rules file or a package checkout is not usable; the message says which and why."""


@dataclass(frozen=True)
class RuleException:
    rule: str
    column: str
    match: str
    reason: str


@dataclass(frozen=True)
class EvaluatorRules:
    variables: dict[str, Any]
    not_applicable: dict[str, str]
    exceptions: tuple[RuleException, ...]


@dataclass(frozen=True)
class Finding:
    rule: str
    rows: list[dict[str, Any]]


def _reason(entry: Mapping[str, Any], where: str) -> str:
    reason = str(entry.get("reason") or "").strip()
    if not reason:
        raise EvaluatorError(f"{where}: every entry needs a `reason` (why the rule does not hold here)")
    return reason


def _rule_name(value: Any, where: str) -> str:
    if value not in RULES:
        raise EvaluatorError(f"{where}: {value!r} is not a rule of dbt_project_evaluator {HUB_PACKAGES[HUB_NAME]}")
    return str(value)


def parse_rules(document: Mapping[str, Any], source: str = "evaluator rules") -> EvaluatorRules:
    """The rules file's three parts: `vars` for the package, `not_applicable` (rule -> reason),
    `exceptions` (rule, column, match: a value or SQL like-pattern, reason)."""
    variables = document.get("vars") or {}
    if not isinstance(variables, dict):
        raise EvaluatorError(f"{source}: `vars` must be a mapping")
    not_applicable: dict[str, str] = {}
    for index, entry in enumerate(document.get("not_applicable") or []):
        where = f"{source}: not_applicable[{index}]"
        not_applicable[_rule_name(entry.get("rule"), where)] = _reason(entry, where)
    exceptions = []
    for index, entry in enumerate(document.get("exceptions") or []):
        where = f"{source}: exceptions[{index}]"
        rule = _rule_name(entry.get("rule"), where)
        if rule in not_applicable:
            raise EvaluatorError(f"{where}: {rule} is listed as not applicable, so it needs no exception")
        column, match = str(entry.get("column") or ""), str(entry.get("match") or "")
        if not column.isidentifier() or not match:
            raise EvaluatorError(f"{where}: `column` (a column of {rule}) and `match` are required")
        exceptions.append(RuleException(rule, column, match, _reason(entry, where)))
    return EvaluatorRules(dict(variables), not_applicable, tuple(exceptions))


def load_rules(path: Path = RULES_FILE) -> EvaluatorRules:
    return parse_rules(yaml.safe_load(path.read_text(encoding="utf-8")) or {}, str(path.name))


def exceptions_seed(rules: EvaluatorRules) -> str:
    """The package's exceptions seed (fct_name, column_name, id_to_exclude, comment) as CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["fct_name", "column_name", "id_to_exclude", "comment"])
    for exception in rules.exceptions:
        writer.writerow([exception.rule, exception.column, exception.match, exception.reason])
    return out.getvalue()


def project_config(config: Mapping[str, Any], rules: EvaluatorRules) -> dict[str, Any]:
    """The project's dbt_project.yml for the copy: the package's vars, its macros dispatched, its own
    (empty) exceptions seed replaced by the project's."""
    patched = dict(config)
    patched["vars"] = {**(config.get("vars") or {}), PACKAGE: rules.variables}
    dispatch = [entry for entry in config.get("dispatch") or [] if entry.get("macro_namespace") != "dbt"]
    patched["dispatch"] = [*dispatch, {"macro_namespace": "dbt", "search_order": [config["name"], PACKAGE, "dbt"]}]
    seeds = dict(config.get("seeds") or {})
    seeds[PACKAGE] = {"dbt_project_evaluator_exceptions": {"+enabled": False}}
    patched["seeds"] = seeds
    return patched


def packages_file(local: Mapping[str, Path] | None) -> str | None:
    """packages.yml for the hub, or None when the packages are linked from local checkouts (then
    `dbt deps` is not run: it would resolve the evaluator's own dependency on the hub)."""
    if local:
        return None
    packages = [{"package": name, "version": version} for name, version in HUB_PACKAGES.items()]
    return yaml.safe_dump({"packages": packages})


def _checkout(path: Path, expected_name: str) -> Path:
    project_file = path / "dbt_project.yml"
    if not project_file.is_file():
        raise EvaluatorError(f"{path}: no dbt_project.yml (a checkout of the {expected_name} package is expected)")
    name = (yaml.safe_load(project_file.read_text(encoding="utf-8")) or {}).get("name")
    if name != expected_name:
        raise EvaluatorError(f"{path}: dbt_project.yml names {name!r}, not {expected_name!r}")
    return path.resolve()


def write_scratch(root: Path, rules: EvaluatorRules, local: Mapping[str, Path] | None) -> Path:
    """A copy of the project in `root` that installs the evaluator with this project's rules."""
    copy_project(root)
    config = yaml.safe_load((root / "dbt_project.yml").read_text(encoding="utf-8"))
    (root / "dbt_project.yml").write_text(yaml.safe_dump(project_config(config, rules), sort_keys=False))
    (root / "seeds/dbt_project_evaluator_exceptions.csv").write_text(exceptions_seed(rules))
    packages = packages_file(local)
    if packages is None:
        installed = root / "dbt_packages"
        installed.mkdir()
        for name, path in (local or {}).items():
            (installed / name).symlink_to(path, target_is_directory=True)
    else:
        (root / "packages.yml").write_text(packages)
    return root


def failed_rules(run_results: Mapping[str, Any], manifest: Mapping[str, Any]) -> list[str]:
    """The evaluator models whose tests found something (the package's tests warn)."""
    failed = set()
    for result in run_results.get("results", []):
        node = manifest["nodes"].get(result["unique_id"], {})
        if node.get("resource_type") != "test" or node.get("package_name") != PACKAGE:
            continue
        if result.get("status") in ("warn", "fail", "error") and (result.get("failures") or 0) > 0:
            parents = node.get("depends_on", {}).get("nodes", [])
            failed.update(manifest["nodes"][parent]["name"] for parent in parents if parent in manifest["nodes"])
    return sorted(failed)


def findings(warehouse: Path, rules: Iterable[str]) -> list[Finding]:
    """Each failed rule's rows, read from the evaluator's table of that name."""
    found = []
    with duckdb_connect.connect(str(warehouse), read_only=True) as con:
        tables = {name for (name,) in con.execute("select table_name from information_schema.tables").fetchall()}
        for rule in rules:
            if rule not in tables:
                raise EvaluatorError(f"the evaluator built no table {rule}")
            cursor = con.execute(f'select * from "{rule}"')
            names = [column[0] for column in cursor.description]
            found.append(Finding(rule, [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]))
    return found


def report(found: list[Finding], rules: EvaluatorRules, row_limit: int = 20) -> str:
    lines = [f"dbt-project-evaluator: {len(found)} rule(s) report something not written down in {RULES_FILE.name}"]
    for finding in found:
        lines.append(f"\n{finding.rule}: {len(finding.rows)} row(s)")
        lines += [f"  {json.dumps(row, default=str)}" for row in finding.rows[:row_limit]]
    lines.append(f"\nnot applicable here ({len(rules.not_applicable)}): {', '.join(sorted(rules.not_applicable))}")
    lines.append(f"exceptions written down: {len(rules.exceptions)}")
    return "\n".join(lines)


def evaluate(work_dir: Path, local: Mapping[str, Path] | None, rules: EvaluatorRules) -> list[Finding]:
    project = write_scratch(work_dir, rules, local)
    settings = Settings(warehouse_path=work_dir / "evaluator.duckdb", landing_dir=work_dir / "landing")
    target = work_dir / "target"
    if packages_file(local) is not None:
        deps = run_dbt(["deps"], settings, project, target_path=target, log_path=work_dir / "logs")
        if not deps.success:
            raise EvaluatorError("dbt deps failed (no dbt package hub here? pass local checkouts): "
                                 + "; ".join(deps.failures))
    selection = ["--select", f"package:{PACKAGE}", "dbt_project_evaluator_exceptions"]
    excluded = ["--exclude", *sorted(rules.not_applicable)] if rules.not_applicable else []
    build = run_dbt(["--quiet", "build", *selection, *excluded], settings, project, target_path=target,
                    log_path=work_dir / "logs")
    if build.failures:
        raise EvaluatorError("the evaluator's build failed: " + "; ".join(build.failures))
    run_results = json.loads((target / "run_results.json").read_text())
    manifest = json.loads((target / "manifest.json").read_text())
    return findings(settings.warehouse_path, failed_rules(run_results, manifest))


def _local_checkouts(evaluator_dir: str | None, dbt_utils_dir: str | None) -> dict[str, Path] | None:
    if not evaluator_dir and not dbt_utils_dir:
        return None
    if not (evaluator_dir and dbt_utils_dir):
        raise EvaluatorError("give both local checkouts (dbt-project-evaluator and dbt-utils), or neither for the hub")
    return {
        PACKAGE: _checkout(Path(evaluator_dir).expanduser(), PACKAGE),
        "dbt_utils": _checkout(Path(dbt_utils_dir).expanduser(), "dbt_utils"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluator-dir", default=os.environ.get("DBT_PROJECT_EVALUATOR_DIR"),
                        help="a checkout of dbt-labs/dbt-project-evaluator (tag v1.3.2)")
    parser.add_argument("--dbt-utils-dir", default=os.environ.get("DBT_UTILS_DIR"),
                        help="a checkout of dbt-labs/dbt-utils (tag 1.3.3)")
    parser.add_argument("--keep", type=Path, help="build the copy in this new folder and keep it")
    args = parser.parse_args(argv)
    try:
        rules = load_rules()
        local = _local_checkouts(args.evaluator_dir, args.dbt_utils_dir)
        if args.keep:
            args.keep.mkdir(parents=True)
            found = evaluate(args.keep, local, rules)
        else:
            with tempfile.TemporaryDirectory(prefix="evaluator-") as scratch:
                found = evaluate(Path(scratch), local, rules)
    except EvaluatorError as error:
        print(f"error: {error} (step: evaluate)", file=sys.stderr)
        return 2
    print(report(found, rules))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
