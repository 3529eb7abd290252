"""The pipeline's generate step: an existing dataset is reused only while its data is recent, and
it is generated under the pipeline lock."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from orchestration import pipeline
from orchestration.pipeline import dataset_end, generate_step, reuse_decision
from orchestration.pipeline_lock import lock_path, parse_holder
from orchestration.settings import Settings

NOW = datetime(2026, 11, 22, 20, 30, tzinfo=UTC)


def test_a_dataset_ending_35_hours_ago_is_regenerated() -> None:
    reuse, why = reuse_decision(datetime(2026, 11, 21, 9, tzinfo=UTC), NOW)
    assert not reuse
    assert why == "dataset ends 2026-11-21T09:00Z, 35 h ago: regenerating so timeliness holds"


@pytest.mark.parametrize(
    ("age", "reuse"),
    [
        (timedelta(hours=-2), True),  # ends after now (an explicit end in the future)
        (timedelta(0), True),
        (timedelta(hours=3), True),
        (timedelta(hours=11, minutes=59), True),
        (timedelta(hours=12), False),
        (timedelta(days=30), False),
    ],
)
def test_reuse_only_while_the_data_ends_less_than_12_hours_ago(age: timedelta, reuse: bool) -> None:
    decided, why = reuse_decision(NOW - age, NOW)
    assert decided is reuse
    assert ("reusing it" if reuse else "regenerating so timeliness holds") in why


def _manifest(landing: Path, parameters: dict[str, object]) -> None:
    (landing / "_manifest").mkdir(parents=True)
    (landing / "_manifest" / "generation.json").write_text(json.dumps({"parameters": parameters}))


def test_dataset_end_reads_the_manifest(tmp_path: Path) -> None:
    assert dataset_end(tmp_path) is None
    _manifest(tmp_path / "new", {"end": "2026-11-22T14:00:00Z", "end_date": "2026-11-22"})
    assert dataset_end(tmp_path / "new") == datetime(2026, 11, 22, 14, tzinfo=UTC)
    _manifest(tmp_path / "old", {"end_date": "2026-11-22"})  # before ends were instants: midnight UTC
    assert dataset_end(tmp_path / "old") == datetime(2026, 11, 22, tzinfo=UTC)
    _manifest(tmp_path / "bad", {"end": "soon"})
    assert dataset_end(tmp_path / "bad") is None


@pytest.fixture
def generator_calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []

    def fake_main(argv: list[str]) -> int:
        calls.append(argv)
        return 0

    monkeypatch.setattr("orchestration.datagen.__main__.main", fake_main)
    return calls


def _settings(tmp_path: Path) -> Settings:
    return Settings(warehouse_path=tmp_path / "warehouse.duckdb", landing_dir=tmp_path / "landing")


def test_generate_step_reuses_a_recent_dataset(
    tmp_path: Path, generator_calls: list[list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _settings(tmp_path)
    _manifest(settings.landing_dir, {"end": "2026-11-22T18:00:00Z"})
    generate_step(settings, 0.05, 42, None, force=False, now=NOW)
    assert generator_calls == []
    assert "dataset ends 2026-11-22T18:00Z, 2 h ago: reusing it" in capsys.readouterr().out


def test_generate_step_regenerates_a_stale_dataset_and_says_why(
    tmp_path: Path, generator_calls: list[list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _settings(tmp_path)
    _manifest(settings.landing_dir, {"end": "2026-11-21T09:00:00Z"})
    generate_step(settings, 0.05, 42, None, force=False, now=NOW)
    why = "dataset ends 2026-11-21T09:00Z, 35 h ago: regenerating so timeliness holds"
    assert why in capsys.readouterr().out
    assert len(generator_calls) == 1 and "--end-date" not in generator_calls[0]  # the default end: now


def test_generate_step_regenerates_when_forced_or_when_there_is_no_dataset(
    tmp_path: Path, generator_calls: list[list[str]]
) -> None:
    settings = _settings(tmp_path)
    generate_step(settings, 0.05, 42, None, force=False, now=NOW)
    _manifest(settings.landing_dir, {"end": "2026-11-22T18:00:00Z"})
    generate_step(settings, 0.05, 42, datetime(2026, 11, 22, 14, tzinfo=UTC), force=True, now=NOW)
    assert len(generator_calls) == 2
    assert generator_calls[1][-2:] == ["--end-date", "2026-11-22T14:00:00Z"]


def test_pipeline_end_date_accepts_a_date_or_a_datetime() -> None:
    assert pipeline._end_argument("2026-11-22") == datetime(2026, 11, 22, tzinfo=UTC)
    assert pipeline._end_argument("2026-11-22T14:00Z") == datetime(2026, 11, 22, 14, tzinfo=UTC)


def test_a_regenerated_dataset_starts_a_new_warehouse(
    tmp_path: Path, generator_calls: list[list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _settings(tmp_path)
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    settings.warehouse_path.write_bytes(b"old world")
    _manifest(settings.landing_dir, {"end": "2026-11-22T18:00:00Z"})

    generate_step(settings, 0.05, 42, None, force=False, now=NOW)  # reused: the warehouse stays
    assert settings.warehouse_path.exists()

    generate_step(settings, 0.05, 42, None, force=True, now=NOW)
    assert not settings.warehouse_path.exists()
    assert "removed the previous warehouse" in capsys.readouterr().out


def test_generation_and_retiring_the_warehouse_happen_under_the_pipeline_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path)
    lock_file = lock_path(settings.warehouse_path)
    holders: list[int | None] = []

    def record_holder(*_: object) -> int:
        holder = parse_holder(lock_file.read_text())
        holders.append(holder.pid if holder else None)
        return 0

    monkeypatch.setattr("orchestration.datagen.__main__.main", record_holder)
    monkeypatch.setattr(pipeline, "retire_warehouse", record_holder)
    generate_step(settings, 0.05, 42, None, force=True, now=NOW)
    assert holders == [os.getpid(), os.getpid()]
    assert lock_file.read_text() == ""  # released when the step ends


def test_a_bad_lock_timeout_setting_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PIPELINE_LOCK_TIMEOUT", "soon")
    with pytest.raises(SystemExit) as stopped:
        pipeline.main(["--steps", "land"])
    assert stopped.value.code == 2
    assert "PIPELINE_LOCK_TIMEOUT must be a number of seconds, got 'soon'" in capsys.readouterr().err


def test_own_exports_are_never_replaced_by_generation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from orchestration.pipeline import StepFailed, generate_step

    settings = Settings(warehouse_path=tmp_path / "wh.duckdb", landing_dir=tmp_path / "landing")
    export = settings.landing_dir / "marketplace" / "exports" / "orders.csv"
    export.parent.mkdir(parents=True)
    export.write_text("order_id\n1\n")

    generate_step(settings, 0.002, 1, None, force=False)

    assert "holds your own exports" in capsys.readouterr().out
    with pytest.raises(StepFailed, match="refusing to replace them"):
        generate_step(settings, 0.002, 1, None, force=True)
    assert [p.name for p in settings.landing_dir.rglob("*.csv")] == ["orders.csv"]


def test_sources_are_rendered_anew_when_the_mappings_change(tmp_path: Path) -> None:
    from orchestration.pipeline import render_sources_for
    from orchestration.render_sources import sources_file

    project = tmp_path / "project"
    sources = project / sources_file("marketplace")
    orders = project / "models/staging/marketplace/base/base_marketplace__orders.sql"
    mappings = tmp_path / "mappings"
    mappings.mkdir()
    (mappings / "marketplace.yml").write_text("entities:\n  orders:\n    columns: {order_id: OrderID}\n")
    settings = Settings(warehouse_path=tmp_path / "wh.duckdb", landing_dir=tmp_path / "landing", mapping_dir=mappings)

    assert render_sources_for(settings, project) is True
    assert "- name: OrderID" in sources.read_text() and "contract_name: order_id" in sources.read_text()
    assert "{{ trimmed_text(adapter.quote('OrderID')) }} as order_id__text" in orders.read_text()
    assert render_sources_for(settings, project) is False


def test_the_build_leaves_out_the_scorecard_and_on_other_mappings_the_base_models_unit_tests(
    tmp_path: Path,
) -> None:
    from orchestration.pipeline import SCORECARD_SELECTOR, build_exclusions
    from orchestration.render_sources import BASE_MODEL_UNIT_TESTS
    from orchestration.settings import PROJECT_DIR

    shipped = Settings(
        warehouse_path=tmp_path / "wh.duckdb", landing_dir=tmp_path, mapping_dir=PROJECT_DIR / "mappings"
    )
    assert build_exclusions(shipped) == ["--exclude", SCORECARD_SELECTOR]
    mappings = tmp_path / "mappings"
    mappings.mkdir()
    (mappings / "billing.yml").write_text("timezone: Europe/Madrid\n")
    other = Settings(warehouse_path=tmp_path / "wh.duckdb", landing_dir=tmp_path, mapping_dir=mappings)
    assert build_exclusions(other) == ["--exclude", SCORECARD_SELECTOR, BASE_MODEL_UNIT_TESTS]


def test_a_failed_run_names_the_refused_files(tmp_path: Path) -> None:
    from orchestration.landing import land
    from orchestration.pipeline import refused_files_lines

    landing = tmp_path / "landing"
    (landing / "marketplace" / "orders").mkdir(parents=True)
    (landing / "marketplace" / "orders" / "orders.csv").write_text("order_id;student_id\n1;2\n3;4\n")
    assert refused_files_lines(tmp_path / "wh.duckdb") == []  # no warehouse yet
    land(landing, tmp_path / "wh.duckdb")

    assert refused_files_lines(tmp_path / "wh.duckdb") == [
        "1 refused landing file(s) hold records the warehouse does not have (raw.landing_inventory):",
        "  marketplace/orders/orders.csv (about 2 rows)",
    ]
