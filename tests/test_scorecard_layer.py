"""The scorecard's KPI values are a committed union, one kpi_value() per catalog KPI: adding a KPI is
a seeds/kpi_catalog.csv row and its line in models/scorecard/scorecard_kpi_values.sql, and the two
must say the same (mart, value column, sample column, period column)."""

from __future__ import annotations

import ast
import csv
import re
from collections import Counter
from pathlib import Path

from orchestration.settings import PROJECT_DIR, SCORECARD_MODELS

CATALOG = PROJECT_DIR / "seeds" / "kpi_catalog.csv"
VALUES_MODEL = PROJECT_DIR / SCORECARD_MODELS / "scorecard_kpi_values.sql"
PERIOD_COLUMNS = {"daily": "date_day", "weekly": "week_start", "monthly": "month_start", "quarterly": "quarter_start"}
CALL = re.compile(r"\{\{\s*kpi_value\((?P<args>.*?)\)\s*\}\}", re.DOTALL)
IMPORT = re.compile(r"^(?P<cte>\w+) as \(\s*select \* from \{\{ ref\('(?P<model>\w+)'\) \}\}\s*\),", re.MULTILINE)

# (kpi_id, source_model, source_column, sample_column or None, period column)
Line = tuple[str, str, str, str | None, str]


def union_lines(sql: str) -> list[Line]:
    """The kpi_value() calls of the model, as (kpi_id, relation, value, sample, period)."""
    lines = []
    for match in CALL.finditer(sql):
        call = ast.parse(f"f({match['args']})", mode="eval").body
        assert isinstance(call, ast.Call)
        args = [ast.literal_eval(a) for a in call.args]
        keywords = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
        sample = args[3] if len(args) > 3 else keywords.get("sample_column")
        period = args[4] if len(args) > 4 else keywords.get("period_column", "month_start")
        lines.append((args[0], args[1], args[2], sample, period))
    return lines


def catalog_lines(path: Path) -> list[Line]:
    with path.open(newline="") as handle:
        return [
            (
                row["kpi_id"],
                row["source_model"],
                row["source_column"],
                row["sample_column"] or None,
                PERIOD_COLUMNS[row["frequency"]],
            )
            for row in csv.DictReader(handle)
        ]


def mismatches(catalog: list[Line], union: list[Line]) -> list[str]:
    by_kpi = {line[0]: line for line in union}
    found = [f"{kpi}: {count} kpi_value() lines" for kpi, count in Counter(u[0] for u in union).items() if count > 1]
    for line in catalog:
        written = by_kpi.pop(line[0], None)
        if written is None:
            found.append(f"{line[0]}: in the catalog, no kpi_value() line")
        elif written != line:
            found.append(f"{line[0]}: catalog says {line[1:]}, the union {written[1:]}")
    found += [f"{kpi}: a kpi_value() line, not in the catalog" for kpi in by_kpi]
    return found


def test_every_catalog_kpi_has_exactly_its_line_in_the_values_union() -> None:
    assert mismatches(catalog_lines(CATALOG), union_lines(VALUES_MODEL.read_text())) == []


def test_every_relation_of_the_union_is_an_import_of_the_model_it_names() -> None:
    sql = VALUES_MODEL.read_text()
    imports = {m["cte"]: m["model"] for m in IMPORT.finditer(sql)}
    relations = {line[1] for line in union_lines(sql)}
    assert relations and all(imports.get(relation) == relation for relation in relations), relations - set(imports)


def test_a_catalog_row_without_a_line_and_a_stray_line_are_both_named(tmp_path: Path) -> None:
    catalog = tmp_path / "kpi_catalog.csv"
    catalog.write_text(
        "kpi_id,frequency,source_model,source_column,sample_column\n"
        "a,monthly,m,x,\n"
        "b,daily,d,y,n\n"
        "c,monthly,m,z,\n"
    )
    sql = """
    {{ kpi_value('a', 'm', 'x') }}
    union all
    {{ kpi_value(
        'b', 'd',
        'y', 'n'
    ) }}
    union all
    {{ kpi_value('stray', 'm', 'w') }}
    """
    assert mismatches(catalog_lines(catalog), union_lines(sql)) == [
        "b: catalog says ('d', 'y', 'n', 'date_day'), the union ('d', 'y', 'n', 'month_start')",
        "c: in the catalog, no kpi_value() line",
        "stray: a kpi_value() line, not in the catalog",
    ]
