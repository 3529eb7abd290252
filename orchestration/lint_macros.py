"""sqlfluff over the SQL written inside the macros: `python -m orchestration.lint_macros [paths]`.

A file under macros/ only defines `{% macro %}` blocks, so it renders to nothing, and sqlfluff
(neither the dbt nor the jinja templater) never looks inside a macro body; where a model calls the
macro, what it wrote is templated output there, which sqlfluff leaves alone. This lints each macro
body as SQL of its own, with sqlfluff's jinja templater and the project's rules
(`macros/.sqlfluff` on top of `.sqlfluff`, which says why this and not the alternatives):

- the body (between `{% macro ... %}` and `{% endmacro %}`) is cut out of the file as it is
  written: every dispatch variant (`duckdb__...`) and every branch is a macro body of its own;
- its arguments are their own names (`{{ amount }}` reads `amount`), or the default the signature
  gives, or the examples EXAMPLE_ARGUMENTS gives for a list or mapping the body loops over; every
  other name (dbt, adapter, another macro) is sqlfluff's dummy value, which writes its name, so
  `{{ dbt.type_float() }}` reads `dbt_type_float`. What Jinja writes is templated code, which
  sqlfluff does not lint: what is linted is the SQL the macro itself spells out;
- the body is made a statement by what it starts with: a `select`, `with`, or a hook's `delete`,
  `insert` or `create`, as it is, a list of
  CTEs (`name as (`) after a `with`, anything else (an expression, select-list items) as the
  select list of a `select`. Its first line sets the indentation the rest is checked against
  (shifted to 0 for a statement or a CTE, to a select list's 4), since `-%}` trims it away;
- a macro that writes no SQL of its own (a dispatcher, `return(...)`, a compiler error) is
  skipped.

Each finding is reported at its line and column in the macro file. Exit status 1 when there is
one, like `sqlfluff lint`.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import jinja2.nodes
from sqlfluff.core import FluffConfig, Linter
from sqlfluff.core.config import load_config_up_to_path
from sqlfluff.core.templaters.jinja import DummyUndefined

from orchestration.settings import PROJECT_DIR

MACRO_DIR = PROJECT_DIR / "macros"

# Example values of the arguments a body loops over or unpacks, which no name can stand for and
# the signature gives no default for: {macro: {argument: value}}. A new macro that loops over an
# argument adds its line here (the lint says so when the body cannot render).
EXAMPLE_ARGUMENTS: dict[str, dict[str, Any]] = {
    "delete_keys_no_longer_grouped_in": {
        "key": "date_day",
        "upstreams": [
            ("marts.fct_sessions", "date_day", "true"),
            ("staging.orders", "cast(ordered_at as date)", "true"),
        ],
    },
    "kpi_slice_sums": {
        "dimensions": ["category", "country"],
        "measures": [("paid_orders", "paid_orders"), ("revenue_usd", "net_usd - refunded_usd")],
    },
    "scorecard_by_frequency": {"values": {"daily": 3.92, "monthly": 3}},
    "select_with_prior_periods": {"measures": ["revenue_usd", "paid_orders"], "partition_by": ["category"]},
    "spark_snapshot_rewrite_sql": {
        "column_names": ["course_id", "dbt_scd_id", "dbt_valid_to"],
        "columns": {"dbt_scd_id": "dbt_scd_id", "dbt_valid_to": "dbt_valid_to"},
        "valid_to_current": None,
    },
    "spark_snapshot_rewritten": {"kept": ["dest.course_id", "closing.dbt_valid_to"], "inserted": ["staged.course_id"]},
}

MACRO_BLOCK = re.compile(
    r"\{%-?\s*macro\s+(?P<name>\w+)\s*\(.*?\)\s*-?%\}(?P<body>.*?)\{%-?\s*endmacro\s*-?%\}",
    re.DOTALL,
)
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
JINJA_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
CTE_START = re.compile(r"^\s*(\w+)\s+as\s*\(", re.IGNORECASE | re.MULTILINE)
STATEMENT_START = re.compile(r"(select|with|delete|insert|create)\b", re.IGNORECASE)
SET_LINE = re.compile(r"\s*\{%-?\s*set\s.*%\}\s*$")
SELECT_LIST_INDENT = 4


class Placeholder(DummyUndefined):
    """sqlfluff's dummy value (writes its name, `.` as `_`), kept as it is when sqlfluff copies the
    config holding it."""

    def __copy__(self) -> Placeholder:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Placeholder:
        return self


@dataclass(frozen=True)
class MacroBody:
    path: Path
    name: str
    text: str  # the body as written, from after the macro tag to the endmacro tag
    line: int  # line of the file where text starts (1-based)
    column: int  # column of the file where text starts (1-based)
    arguments: dict[str, Any]


@dataclass(frozen=True)
class Finding:
    path: Path
    macro: str
    line: int
    column: int
    code: str
    description: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.description} (macro {self.macro})"


def _environment() -> jinja2.Environment:
    # dbt's own Jinja extensions: `{% do %}` in a macro body and a `{% materialization %}` parse
    from dbt_common.clients.jinja import MaterializationExtension

    return jinja2.Environment(extensions=["jinja2.ext.do", MaterializationExtension])


def _signature_arguments(source: str) -> dict[str, dict[str, Any]]:
    """{macro: {argument: value}} of the file: a default as the signature gives it, else the name."""
    signatures: dict[str, dict[str, Any]] = {}
    for macro in _environment().parse(source).find_all(jinja2.nodes.Macro):
        names = [argument.name for argument in macro.args]
        values: dict[str, Any] = {name: name for name in names}
        for name, default in zip(names[len(names) - len(macro.defaults) :], macro.defaults, strict=True):
            # a default computed at call time: its name stands in
            with contextlib.suppress(jinja2.nodes.Impossible):
                values[name] = default.as_const()
        signatures[macro.name] = values
    return signatures


def macro_bodies(path: Path) -> Iterator[MacroBody]:
    source = path.read_text()
    signatures = _signature_arguments(source)
    for match in MACRO_BLOCK.finditer(source):
        name, start = match["name"], match.start("body")
        before = source[:start]
        arguments = {**signatures[name], **EXAMPLE_ARGUMENTS.get(name, {})}
        yield MacroBody(path, name, match["body"], before.count("\n") + 1, start - before.rfind("\n"), arguments)


def writes_sql(body: str) -> bool:
    """Whether the body spells out any SQL itself, outside Jinja tags and comments."""
    return bool(JINJA_TAG.sub("", JINJA_COMMENT.sub("", body)).strip())


def _render(body: MacroBody, context: dict[str, Any]) -> str:
    return _environment().from_string(body.text).render(context)


@dataclass(frozen=True)
class LintSource:
    """A body as a statement: text to lint, and where each of its lines is in the macro file."""

    text: str
    lines: list[tuple[int, int]]  # per line of text (0-based): (file line, columns to add), or (0, 0)


def lint_source(body: MacroBody, rendered: str) -> LintSource:
    lines = body.text.split("\n")
    first = next(index for index, line in enumerate(lines) if line.strip())
    lines = lines[first:]
    while lines and not lines[-1].strip():
        lines.pop()
    start = JINJA_COMMENT.sub("", rendered).lstrip()
    if STATEMENT_START.match(start):
        prefix, suffix, indent = [], [], 0
    elif CTE_START.match(start):
        # the CTEs a macro emits are read by its caller's statement: this one reads the last
        prefix, suffix, indent = ["with", ""], ["", f"select * from {CTE_START.findall(rendered)[-1]}"], 0
    else:
        # a select list of more than one item, so that a one-line fragment is not told (LT09) to
        # go on the line of a select that is its caller's
        prefix, suffix, indent = ["select", " " * SELECT_LIST_INDENT + "lint_fragment,"], [], SELECT_LIST_INDENT
    # a leading {% set %} trims the line break before it: it goes before the prefix
    settings = next((index for index, line in enumerate(lines) if not SET_LINE.match(line)), len(lines))
    shift = indent - (len(lines[settings]) - len(lines[settings].lstrip(" ")))
    text_lines: list[str] = []
    mapping: list[tuple[int, int]] = []
    for offset, line in enumerate(lines):
        if offset == settings:
            text_lines += prefix
            mapping += [(0, 0)] * len(prefix)
        file_line = body.line + first + offset
        file_column = body.column - 1 if first + offset == 0 else 0
        if offset < settings:
            # a Jinja statement before the SQL starts: at the start of its line
            text_lines.append(line.lstrip(" "))
            mapping.append((file_line, file_column + len(line) - len(line.lstrip(" "))))
        elif shift >= 0:
            text_lines.append(" " * shift + line)
            mapping.append((file_line, file_column - shift))
        else:
            removed = min(-shift, len(line) - len(line.lstrip(" ")))
            text_lines.append(line[removed:])
            mapping.append((file_line, file_column + removed))
    text_lines += suffix
    mapping += [(0, 0)] * len(suffix)
    return LintSource("\n".join(text_lines) + "\n", mapping)


def lint_config(configs: dict[str, Any], context: dict[str, Any]) -> FluffConfig:
    """The config sqlfluff reads for the folder (configs), with the body's Jinja context."""
    templater = configs.get("templater", {})
    jinja = {**templater.get("jinja", {}), "context": context}
    # the jinja templater whatever the project's is: sqlfluff takes a templater only from the
    # config where it starts (the project's dbt), never from macros/.sqlfluff
    return FluffConfig(
        configs={**configs, "templater": {**templater, "jinja": jinja}}, overrides={"templater": "jinja"}
    )


def lint_body(body: MacroBody, configs: dict[str, Any]) -> list[Finding]:
    if not writes_sql(body.text):
        return []
    context = dict(body.arguments)
    parsed = _environment().parse(body.text)
    for name in jinja2.meta.find_undeclared_variables(parsed) - context.keys():
        context[name] = Placeholder(name)
    try:
        rendered = _render(body, context)
    except Exception as error:  # noqa: BLE001 - any Jinja error: the body needs example arguments
        return [
            Finding(
                body.path, body.name, body.line, body.column, "MACRO",
                f"cannot render the body ({type(error).__name__}: {error}): add example arguments "
                f"to EXAMPLE_ARGUMENTS in orchestration/lint_macros.py",
            )
        ]
    source = lint_source(body, rendered)
    linted = Linter(config=lint_config(configs, context)).lint_string(source.text, fname=str(body.path))
    findings = []
    for violation in linted.get_violations():
        index = (violation.line_no or 1) - 1
        file_line, add = source.lines[index] if index < len(source.lines) else (0, 0)
        line, column = (file_line, (violation.line_pos or 1) + add) if file_line else (body.line, body.column)
        findings.append(Finding(body.path, body.name, line, column, violation.rule_code(), violation.desc()))
    return findings


def macro_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files += sorted(path.rglob("*.sql")) if path.is_dir() else [path]
    return files


def lint(paths: Iterable[Path] = (MACRO_DIR,), config_dir: Path | None = None) -> tuple[list[Finding], int]:
    """The findings in the macro files under paths, and how many macro bodies were linted.

    sqlfluff's config is the one for the file's folder (as `sqlfluff lint` reads it), or
    config_dir's (a macro file outside macros/ checked with the macros' rules)."""
    findings: list[Finding] = []
    linted = 0
    for path in macro_files(paths):
        configs = load_config_up_to_path(str(config_dir or path.parent))
        for body in macro_bodies(path):
            linted += writes_sql(body.text)
            findings += lint_body(body, configs)
    return findings, linted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[MACRO_DIR], help="macro files or folders")
    parser.add_argument("--config-dir", type=Path, help="read sqlfluff's config for this folder (default: the file's)")
    args = parser.parse_args(argv)
    findings, linted = lint(args.paths, args.config_dir)
    for finding in findings:
        print(finding)
    files = len(macro_files(args.paths))
    print(f"{len(findings)} findings in {linted} macro bodies of {files} files")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
