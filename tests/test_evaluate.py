"""`make evaluate`: the rules file, the scratch copy it builds, and (with the packages at hand) the
evaluator reporting nothing that is not written down."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
import yaml

from orchestration import evaluate
from orchestration.evaluate import EvaluatorError, parse_rules


def _rules(**parts: object) -> evaluate.EvaluatorRules:
    return parse_rules({"vars": {}, **parts})


def test_the_committed_rules_load_and_every_entry_has_a_reason() -> None:
    rules = evaluate.load_rules()
    assert rules.exceptions and rules.not_applicable
    assert all(exception.reason for exception in rules.exceptions)
    assert all(reason for reason in rules.not_applicable.values())


def test_an_exception_without_a_reason_is_refused_and_named() -> None:
    with pytest.raises(EvaluatorError, match=r"exceptions\[1\].*reason"):
        _rules(exceptions=[
            {"rule": "fct_model_fanout", "column": "parent", "match": "a", "reason": "why"},
            {"rule": "fct_model_fanout", "column": "parent", "match": "b"},
        ])


@pytest.mark.parametrize("rule", ["fct_no_such_rule", "fct_model_fanout; drop table x", None])
def test_a_rule_name_the_package_does_not_have_is_refused(rule: object) -> None:
    with pytest.raises(EvaluatorError, match="not a rule of dbt_project_evaluator"):
        _rules(not_applicable=[{"rule": rule, "reason": "why"}])


def test_an_exception_to_a_rule_switched_off_is_refused() -> None:
    with pytest.raises(EvaluatorError, match="not applicable"):
        _rules(
            not_applicable=[{"rule": "fct_root_models", "reason": "why"}],
            exceptions=[{"rule": "fct_root_models", "column": "child", "match": "x", "reason": "why"}],
        )


def test_an_exception_column_must_be_a_plain_name() -> None:
    with pytest.raises(EvaluatorError, match="column"):
        _rules(exceptions=[{"rule": "fct_root_models", "column": "child or 1=1", "match": "x", "reason": "why"}])


def test_the_exceptions_seed_keeps_each_reason_as_one_field() -> None:
    rules = _rules(exceptions=[
        {"rule": "fct_model_fanout", "column": "parent", "match": "fct_%", "reason": 'commas, and "quotes"'},
    ])
    rows = list(csv.DictReader(io.StringIO(evaluate.exceptions_seed(rules))))
    assert rows == [{"fct_name": "fct_model_fanout", "column_name": "parent", "id_to_exclude": "fct_%",
                     "comment": 'commas, and "quotes"'}]


def test_the_copy_configures_the_package_and_keeps_the_project_config() -> None:
    config = yaml.safe_load((evaluate.PROJECT_DIR / "dbt_project.yml").read_text())
    rules = _rules(vars={"staging_prefixes": ["stg_"]})
    patched = evaluate.project_config(config, rules)
    assert patched["vars"]["dbt_project_evaluator"] == {"staging_prefixes": ["stg_"]}
    assert patched["models"] == config["models"]
    dbt_dispatch = [entry for entry in patched["dispatch"] if entry["macro_namespace"] == "dbt"]
    assert dbt_dispatch == [{"macro_namespace": "dbt",
                             "search_order": [config["name"], "dbt_project_evaluator", "dbt"]}]
    assert patched["seeds"]["dbt_project_evaluator"] == {"dbt_project_evaluator_exceptions": {"+enabled": False}}


def test_offline_the_packages_are_linked_not_resolved(tmp_path: Path) -> None:
    checkouts = {}
    for name in ("dbt_project_evaluator", "dbt_utils"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "dbt_project.yml").write_text(f"name: {name}\n")
        checkouts[name] = folder
    local = evaluate._local_checkouts(str(checkouts["dbt_project_evaluator"]), str(checkouts["dbt_utils"]))
    copy = tmp_path / "copy"
    copy.mkdir()
    evaluate.write_scratch(copy, evaluate.load_rules(), local)
    assert not (copy / "packages.yml").exists()
    assert (copy / "dbt_packages/dbt_project_evaluator").resolve() == checkouts["dbt_project_evaluator"].resolve()
    assert (copy / "seeds/dbt_project_evaluator_exceptions.csv").read_text() == evaluate.exceptions_seed(
        evaluate.load_rules())
    assert evaluate.packages_file(None) is not None  # online: the hub versions


def test_a_checkout_of_another_package_is_refused(tmp_path: Path) -> None:
    (tmp_path / "dbt_project.yml").write_text("name: something_else\n")
    with pytest.raises(EvaluatorError, match="something_else"):
        evaluate._local_checkouts(str(tmp_path), str(tmp_path))
    with pytest.raises(EvaluatorError, match="both"):
        evaluate._local_checkouts(str(tmp_path), None)


def test_failed_rules_are_the_models_whose_package_tests_found_rows() -> None:
    manifest = {"nodes": {
        "model.dbt_project_evaluator.fct_a": {"resource_type": "model", "name": "fct_a", "package_name": "p"},
        "model.dbt_project_evaluator.fct_b": {"resource_type": "model", "name": "fct_b", "package_name": "p"},
        "test.dbt_project_evaluator.is_empty_a": {"resource_type": "test", "package_name": "dbt_project_evaluator",
                                                  "depends_on": {"nodes": ["model.dbt_project_evaluator.fct_a"]}},
        "test.dbt_project_evaluator.is_empty_b": {"resource_type": "test", "package_name": "dbt_project_evaluator",
                                                  "depends_on": {"nodes": ["model.dbt_project_evaluator.fct_b"]}},
        "test.elearning_kpi.unique_x": {"resource_type": "test", "package_name": "elearning_kpi",
                                        "depends_on": {"nodes": ["model.dbt_project_evaluator.fct_b"]}},
    }}
    run_results = {"results": [
        {"unique_id": "test.dbt_project_evaluator.is_empty_a", "status": "warn", "failures": 3},
        {"unique_id": "test.dbt_project_evaluator.is_empty_b", "status": "pass", "failures": 0},
        {"unique_id": "test.elearning_kpi.unique_x", "status": "fail", "failures": 1},
    ]}
    assert evaluate.failed_rules(run_results, manifest) == ["fct_a"]


@pytest.mark.skipif(
    not (os.environ.get("DBT_PROJECT_EVALUATOR_DIR") and os.environ.get("DBT_UTILS_DIR")),
    reason="needs checkouts of dbt-project-evaluator v1.3.2 and dbt-utils 1.3.3 "
           "(DBT_PROJECT_EVALUATOR_DIR, DBT_UTILS_DIR): the dbt package hub is not reachable here",
)
def test_the_evaluator_reports_nothing_not_written_down(tmp_path: Path) -> None:
    local = evaluate._local_checkouts(os.environ["DBT_PROJECT_EVALUATOR_DIR"], os.environ["DBT_UTILS_DIR"])
    found = evaluate.evaluate(tmp_path, local, evaluate.load_rules())
    assert found == [], evaluate.report(found, evaluate.load_rules())
