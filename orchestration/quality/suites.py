"""The version-controlled suite files: render them from the definitions, load them for GX.

`expectations/suites/<suite>.json` is a GX Core 1.x expectation suite (name, expectations with
`type`, `kwargs`, `meta`), plus `meta.batch` naming the table the suite validates. Rendering is
deterministic (no GX ids), so `git diff` shows exactly which expectation changed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from orchestration.quality.definitions import SuiteSpec, all_suites
from orchestration.settings import PROJECT_DIR

EXPECTATIONS_DIR = PROJECT_DIR / "expectations"
SUITES_DIR = EXPECTATIONS_DIR / "suites"


def suite_document(spec: SuiteSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "meta": {"batch": {"schema": spec.schema, "table": spec.table}, "description": spec.description},
        "expectations": spec.expectations,
    }


def render_text(spec: SuiteSpec) -> str:
    return json.dumps(suite_document(spec), indent=2, sort_keys=False) + "\n"


def render(suites_dir: Path = SUITES_DIR, project_dir: Path = PROJECT_DIR) -> list[Path]:
    """Write every suite file and remove files of suites that no longer exist."""
    suites_dir.mkdir(parents=True, exist_ok=True)
    written = []
    specs = all_suites(project_dir)
    for spec in specs:
        path = suites_dir / f"{spec.name}.json"
        path.write_text(render_text(spec))
        written.append(path)
    for stale in set(suites_dir.glob("*.json")) - set(written):
        stale.unlink()
    return written


def stale_files(suites_dir: Path = SUITES_DIR, project_dir: Path = PROJECT_DIR) -> list[str]:
    """Suite files that differ from what the definitions render (empty when up to date)."""
    expected = {f"{s.name}.json": render_text(s) for s in all_suites(project_dir)}
    present = {p.name: p.read_text() for p in suites_dir.glob("*.json")}
    return sorted(n for n in expected.keys() | present.keys() if expected.get(n) != present.get(n))


def load_documents(suites_dir: Path = SUITES_DIR) -> list[dict[str, Any]]:
    paths = sorted(suites_dir.glob("*.json"))
    if not paths:
        raise FileNotFoundError(f"no suite files in {suites_dir}: run `python -m orchestration.quality render`")
    return [json.loads(p.read_text()) for p in paths]


def to_gx_suite(document: dict[str, Any]):  # -> great_expectations.ExpectationSuite
    """A GX ExpectationSuite from a suite file (GX imported lazily: ~5 s)."""
    import contextlib
    import io

    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    configurations = [
        ExpectationConfiguration(
            type=e["type"], kwargs=e["kwargs"], meta=e["meta"], description=e["kwargs"].get("description")
        )
        for e in document["expectations"]
    ]
    # GX prints a hint for unexpected_rows queries whose text does not name {batch}; ours all do,
    # but a hint on stdout would be noise in the pipeline log either way.
    with contextlib.redirect_stdout(io.StringIO()):
        return gx.ExpectationSuite(
            name=document["name"],
            expectations=[c.to_domain_obj() for c in configurations],
            meta=document["meta"],
        )
