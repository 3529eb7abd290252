"""`make bench` (orchestration.bench): the pure parts, fast. The bench's timings are never asserted."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from orchestration import bench


def steps(**seconds: float) -> dict[str, dict[str, float]]:
    return {name: {"seconds": value, "peak_rss_mb": 100.0} for name, value in seconds.items()}


def test_ratio() -> None:
    assert bench.ratio(3.0, 2.0) == 1.5
    assert bench.ratio(1.0, 3.0) == 0.33
    assert bench.ratio(None, 2.0) is None and bench.ratio(1.0, 0.0) is None and bench.ratio(1.0, None) is None


def test_ratios_are_the_steps_side_by_side() -> None:
    measured = steps(land=12, read_csv=10, dbt_run=33, direct_sql=30, one_day_refresh=5, build=50,
                     no_change_refresh=4, validate=8, publish=10, pandas=4)
    assert bench.compute_ratios(measured) == {
        "landing_vs_read_csv": 1.2,
        "dbt_run_vs_direct_sql": 1.1,
        "one_day_refresh_vs_full_build": 0.1,
        "no_change_refresh_vs_full_build": 0.08,  # the floor under the one-day refresh
        "pipeline_vs_pandas": 20.0,  # land + build + validate + publish
    }
    # a step not measured leaves its ratios empty, never a made-up number
    assert bench.compute_ratios(steps(land=12))["landing_vs_read_csv"] is None


def test_results_json_shape() -> None:
    measured = {0.05: steps(build=50, one_day_refresh=5), 0.25: steps(build=200, one_day_refresh=10)}
    document = json.loads(json.dumps(bench.results_document(measured, "2026-12-03T00:00:00Z")))
    assert document["scales"]["0.05"]["build"] == {"seconds": 50, "peak_rss_mb": 100.0}
    assert document["scales"]["0.25"]["one_day_refresh"]["seconds"] == 10
    # ratios.<name>: of the largest scale; every scale's under ratios_by_scale
    assert document["ratios_scale"] == "0.25"
    assert document["ratios"]["one_day_refresh_vs_full_build"] == 0.05
    assert document["ratios_by_scale"]["0.05"]["one_day_refresh_vs_full_build"] == 0.1
    assert set(document["ratios"]) == set(bench.RATIOS)


def test_the_pipeline_is_generate_to_publish_and_only_when_each_step_passed() -> None:
    measured = steps(generate=10, land=20, build=60, validate=5, publish=8, one_day_refresh=7, pandas=1)
    assert bench.pipeline_seconds(measured) == 103.0  # the refreshes and baselines are not the pipeline
    assert bench.pipeline_seconds({**measured, "validate": {"ok": False, "seconds": 1.0}}) is None
    del measured["publish"]
    assert bench.pipeline_seconds(measured) is None
    document = bench.results_document({1.0: steps(generate=1, land=2, build=3, validate=4, publish=5)}, "now")
    assert document["pipeline_seconds"] == {"1": 15.0}
    assert any(line.split()[:2] == ["pipeline", "15.0"] for line in bench.format_table(document).splitlines())


def test_table_lists_each_step_per_scale_and_the_ratios() -> None:
    measured = {0.05: steps(generate=1.5, build=50, one_day_refresh=5)}
    table = bench.format_table(bench.results_document(measured, "now"))
    lines = table.splitlines()
    assert lines[0].split()[:4] == ["step", "scale", "0.05", "s"]
    assert [line.split()[0] for line in lines[2:5]] == ["generate", "build", "one_day_refresh"]
    assert "50.0" in lines[3] and "100" in lines[3]
    assert any(line.startswith("one_day_refresh_vs_full_build") and line.split()[-1] == "0.10" for line in lines)
    assert any(line.startswith("landing_vs_read_csv") and line.split()[-1] == "-" for line in lines)


def test_step_times_from_the_pipeline_output() -> None:
    output = "==> land files into raw\n<== land files into raw done in 12.5 s\nnoise\n<== dbt build done in 40.0 s\n"
    assert bench.step_times(output) == {"land files into raw": 12.5, "dbt build": 40.0}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01T00:01:48.085Z", datetime(2026, 12, 1, 0, 1, 48, 85000, tzinfo=UTC)),
        ("2026-11-30T19:03:56-05:00", datetime(2026, 12, 1, 0, 3, 56, tzinfo=UTC)),
        ("2026-12-01 00:00:22", datetime(2026, 12, 1, 0, 0, 22, tzinfo=UTC)),
        ("2026-12-01", datetime(2026, 12, 1, tzinfo=UTC)),
        ("not a time", None),
        ("", None),
    ],
)
def test_parse_moment(text: str, expected: datetime | None) -> None:
    assert bench.parse_moment(text) == expected


def test_previous_snapshot_name() -> None:
    path = "marketplace/students/students_2026-12-01.csv"
    assert bench.previous_snapshot_name(path, date(2026, 12, 1)) == "marketplace/students/students_2026-11-30.csv"
    with pytest.raises(ValueError):
        bench.previous_snapshot_name(path, date(2026, 12, 2))


def _write(path: Path, rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def test_the_day_before_and_the_day_that_arrives(tmp_path: Path) -> None:
    generated, landing = tmp_path / "generated", tmp_path / "landing"
    end = datetime(2026, 12, 2, 5, tzinfo=UTC)  # the last day: [12-01 05:00, 12-02 05:00)
    header = ["order_id", "student_id", "session_id", "ordered_at", "currency", "coupon_code", "order_total",
              "payment_status"]
    november = [header, ["1", "7", "", "2026-11-03T10:00:00+00:00", "USD", "", "9.99", "paid"]]
    december = [header,
                ["2", "7", "", "2026-12-01T04:59:59+00:00", "USD", "A, B", "9.99", "paid"],  # before: kept
                ["3", "7", "", "2026-12-01T01:00:00-05:00", "USD", "", "9.99", "paid"],  # 06:00 UTC: the day
                ["4", "7", "", "garbled", "USD", "", "9.99", "paid"]]  # a defect stays in
    _write(generated / "marketplace/orders/orders_2026-11.csv", november)
    _write(generated / "marketplace/orders/orders_2026-12.csv", december)
    _write(generated / "marketplace/students/students_2026-12-02.csv", [["student_id"], ["7"]])
    _write(generated / "_manifest/generation.json", [["{}"]])

    counts = bench.prepare_day_before(generated, landing, end)
    assert counts["rows_dropped"] == 1
    assert (landing / "marketplace/orders/orders_2026-11.csv").read_bytes() == (
        generated / "marketplace/orders/orders_2026-11.csv").read_bytes()
    with (landing / "marketplace/orders/orders_2026-12.csv").open(newline="") as handle:
        assert [row[0] for row in csv.reader(handle)] == ["order_id", "2", "4"]
    assert (landing / "marketplace/students/students_2026-12-01.csv").exists()
    assert not (landing / "marketplace/students/students_2026-12-02.csv").exists()

    delivered = bench.deliver_new_day(generated, landing)
    assert delivered == ["marketplace/orders/orders_2026-12.csv", "marketplace/students/students_2026-12-02.csv"]
    assert bench.deliver_new_day(generated, landing) == []


def test_rows_of_a_state_the_day_before_shows_stay() -> None:
    cutoff = datetime(2026, 12, 1, tzinfo=UTC)
    lines = [["event_id", "enrollment_id", "occurred_at"], ["e1", "10", "2026-12-01T02:00:00Z"],
             ["e2", "11", "2026-12-01T03:00:00Z"], ["e3", "11", "2026-11-30T03:00:00Z"]]
    header, kept, dropped = bench.rows_before(iter(lines), "occurred_at", cutoff, ("enrollment_id", {"10"}))
    assert [row[0] for row in kept] == ["e1", "e3"] and dropped == 1


def test_slowest_nodes_name_where_a_dbt_invocation_spent_its_time() -> None:
    run_results = {
        "results": [
            {"unique_id": "model.elearning_kpi.fct_sessions", "execution_time": 2.5},
            {"unique_id": "test.elearning_kpi.unique_fct_sessions_session_id.cb0d4599f3", "execution_time": 0.75},
            {"unique_id": "model.elearning_kpi.dim_dates", "execution_time": 0.1},
            {"unique_id": "test.elearning_kpi.not_null_dim_dates", "execution_time": 0.05},
        ]
    }
    assert bench.slowest_nodes(run_results, count=2) == [
        ["fct_sessions", 2.5],
        ["unique_fct_sessions_session_id", 0.75],
        ["2 models", 2.6],
        ["2 tests", 0.8],
    ]


def test_skipped_steps_are_read_and_the_ones_others_need_refused_by_name() -> None:
    assert bench.parse_skipped("dbt_run, direct_sql,") == {"dbt_run", "direct_sql"}
    assert bench.parse_skipped("") == frozenset()
    with pytest.raises(ValueError, match="unknown step.*dbt_runn"):
        bench.parse_skipped("dbt_runn")
    with pytest.raises(ValueError, match="build cannot be skipped"):
        bench.parse_skipped("pandas,build")


def test_a_placed_copy_replaces_the_target_with_the_source_s_bytes(tmp_path: Path) -> None:
    source, target = tmp_path / "generated.csv", tmp_path / "landing.csv"
    source.write_text("id\n1\n2\n")
    target.write_text("id\n1\n")
    bench.place_copy(source, target)
    assert target.read_text() == "id\n1\n2\n"
    assert source.read_text() == "id\n1\n2\n"


def test_a_failed_step_keeps_the_pipeline_s_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pipeline says why a step failed on stderr (for dbt, each failed node and the engine's
    reason, e.g. "No space left on device"): the bench keeps it, not only the output's tail."""
    monkeypatch.setenv("LANDING_DIR", str(tmp_path / "missing"))
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("PIPELINE_LOCK_TIMEOUT", "0")
    code, output, errors = bench._pipeline(["--steps", "land"])
    assert code != 0
    assert "landing directory" in errors and "does not exist" in errors
    assert "FAILED: step 'land files into raw' failed" in errors
    assert "FAILED" not in output
