"""sqlfluff (dbt templater, duckdb dialect) passes on every hand-written model and dbt test, and on
the SQL inside every macro (orchestration.lint_macros: sqlfluff itself skips macro files).

The base models under models/staging/*/base/ are generated (orchestration.render_staging), about a
third of the SQL and of sqlfluff's time: test_render_staging checks the committed ones are exactly
the renderer's output and lints what the renderer writes for another mapping; `make lint` lints
them all. Each source's row-accounting model (stg_<source>__row_accounting) is rendered too, but
small and beside the hand-written models: it is linted here."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from orchestration import lint_macros
from orchestration.settings import PROJECT_DIR

GENERATED_FOLDER = "base"


def hand_written_model_paths(models: Path = PROJECT_DIR / "models") -> list[str]:
    """models/ as paths sqlfluff lints: every file and folder except the generated base/ folders."""
    paths = []
    for path in sorted(models.rglob("*.sql")):
        if GENERATED_FOLDER not in path.relative_to(models).parts[:-1]:
            paths.append(str(path.relative_to(PROJECT_DIR)))
    return paths


def test_the_lint_leaves_out_only_the_generated_base_models() -> None:
    linted = set(hand_written_model_paths())
    every = {str(p.relative_to(PROJECT_DIR)) for p in (PROJECT_DIR / "models").rglob("*.sql")}
    assert every - linted and all("/base/" in path for path in every - linted)
    assert "models/intermediate/coverage/int_row_accounting.sql" in linted
    assert "models/staging/billing/stg_billing__row_accounting.sql" in linted


def test_sqlfluff_lint_is_clean(tmp_path: Path) -> None:
    # The dbt templater opens the warehouse; lint must not need (or touch) a built one.
    env = {**os.environ, "WAREHOUSE_PATH": str(tmp_path / "lint.duckdb"), "DBT_PROFILES_DIR": str(PROJECT_DIR)}
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "sqlfluff",
            "lint",
            *hand_written_model_paths(),
            "snapshots",
            "tests/dbt",
            "--disable-progress-bar",
        ],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stdout[-5000:] + completed.stderr[-2000:]


def test_the_sql_inside_the_macros_is_lint_clean() -> None:
    findings, linted = lint_macros.lint([PROJECT_DIR / "macros"])
    assert not findings, "\n".join(map(str, findings))
    # every macro that writes SQL, dispatch variants included, not only the ones a model renders
    files = lint_macros.macro_files([PROJECT_DIR / "macros"])
    bodies = [body for path in files for body in lint_macros.macro_bodies(path)]
    assert linted == sum(lint_macros.writes_sql(body.text) for body in bodies) > 40
    assert {"duckdb__commerce_day_series", "default__scorecard_format_period"} <= {body.name for body in bodies}


def test_every_example_argument_names_a_macro_argument() -> None:
    signatures: dict[str, dict[str, object]] = {}
    for path in lint_macros.macro_files([PROJECT_DIR / "macros"]):
        signatures |= lint_macros._signature_arguments(path.read_text())
    for macro, arguments in lint_macros.EXAMPLE_ARGUMENTS.items():
        assert macro in signatures and arguments.keys() <= signatures[macro].keys(), macro


BADLY_STYLED_MACROS = """\
{#- each macro breaks the style once -#}
{% macro upper_case_keywords(amount) -%}
    select {{ amount }} AS amount_usd
    from orders
{%- endmacro %}

{% macro leading_commas(first, second) -%}
    {{ first }} as first_value
    , {{ second }} as second_value
{%- endmacro %}

{#- the branch no default call takes, in a dispatch variant -#}
{% macro duckdb__badly_indented_branch(flag, wide=false) -%}
    case
        when {{ flag }} is null then 'unknown'
        {%- if wide %}
        when {{ flag }}
        then 'wide'
        {%- endif %}
        else 'narrow'
    end
{%- endmacro %}

{% macro loops_without_example(values) -%}
    case {{ values }}
        {%- for name, value in values.items() %}
        when '{{ name }}' then {{ value }}
        {%- endfor %}
    end
{%- endmacro %}

{% macro clean(amount) -%}
    cast({{ amount }} as decimal(18, 2))
{%- endmacro %}
"""


def test_the_macro_lint_names_a_badly_styled_macro(tmp_path: Path) -> None:
    """Each finding at its line and column in the macro file, with the macro's name; exit status 1."""
    macro_file = tmp_path / "badly_styled.sql"
    macro_file.write_text(BADLY_STYLED_MACROS)
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.lint_macros", str(macro_file), "--config-dir", "macros"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 1, completed.stdout + completed.stderr
    finding = re.compile(rf"{re.escape(str(macro_file))}:(\d+):(\d+): (\S+) .* \(macro (\w+)\)")
    findings = {match.groups() for match in map(finding.fullmatch, completed.stdout.splitlines()) if match}
    assert findings == {
        ("3", "25", "CP01", "upper_case_keywords"),  # AS
        ("9", "5", "LT04", "leading_commas"),
        ("18", "1", "LT02", "duckdb__badly_indented_branch"),  # `then` under its `when`
        ("24", "43", "MACRO", "loops_without_example"),  # no example for values.items()
    }, completed.stdout


IMPORT_CTE = re.compile(r"^(\w+) as (\{\{ inline_cte\(\) \}\} )?\(\n\n    select \* from \{\{ (?:ref|source)\(", re.M)


def imports_held_for_several_readers(sql: str) -> list[str]:
    """The import CTEs (a `select *` of a ref or source) that `sql` reads more than once without
    `inline_cte()`: DuckDB holds a CTE read more than once, i.e. copies the whole relation."""
    held = []
    for match in IMPORT_CTE.finditer(sql):
        readers = re.findall(rf"\b(?:from|join)\s+{match.group(1)}\b", sql[match.end():])
        if len(readers) > 1 and not match.group(2):
            held.append(match.group(1))
    return held


def test_an_import_read_more_than_once_is_scanned_again_by_each_reader() -> None:
    # fct_order_touchpoints' imports of fct_orders and fct_sessions, held for their four readers,
    # spilled 12 GiB in a one-day refresh at scale 5; scanned again by each, none (19.6 s)
    held = {
        path: names
        for path in hand_written_model_paths()
        if (names := imports_held_for_several_readers((PROJECT_DIR / path).read_text()))
    }
    assert held == {}


def test_the_import_check_names_an_import_held_for_two_readers() -> None:
    model = (
        "with\n\norders as (\n\n    select * from {{ ref('fct_orders') }}\n\n),\n\n"
        "items as {{ inline_cte() }} (\n\n    select * from {{ ref('fct_order_items') }}\n\n),\n\n"
        "paid as (select order_id from orders where has_succeeded_payment)\n\n"
        "select * from orders inner join paid using (order_id) inner join items using (order_id)\n"
        "left join items as refunded on items.order_id = refunded.order_id\n"
    )
    assert imports_held_for_several_readers(model) == ["orders"]
    assert imports_held_for_several_readers(model.replace("orders as (", "orders as {{ inline_cte() }} (")) == []
