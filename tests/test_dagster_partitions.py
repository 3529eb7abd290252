"""The refresh's daily partitions and the window a partitioned run passes to dbt."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from orchestration.build_state import DATA_TEST_SCOPE
from orchestration.dbt_flags import given_vars
from orchestration.defs.dbt import layer_build_args
from orchestration.defs.partitions import partitions_start, refresh_partitions, run_window_vars, window_vars
from orchestration.defs.project import parse_args
from orchestration.settings import Settings


def test_a_day_of_the_schedule_zone_is_passed_to_dbt_in_utc():
    madrid = ZoneInfo("Europe/Madrid")
    start, end = datetime(2026, 7, 1, tzinfo=madrid), datetime(2026, 7, 2, tzinfo=madrid)
    assert window_vars(start, end) == {"rederive_from": "2026-06-30 22:00:00", "rederive_to": "2026-07-01 22:00:00"}


def _window_of(**run: object) -> dict[str, str]:
    """The vars a run of a daily-partitioned asset passes: `partition_key`, or a range as a
    backfill's single run names it (its run tags)."""
    seen = {}

    @dg.asset(partitions_def=refresh_partitions())
    def daily(context) -> None:  # noqa: ANN001 - Dagster reads the annotation, a string here
        seen.update(run_window_vars(context))

    assert dg.materialize([daily], instance=dg.DagsterInstance.ephemeral(), **run).success
    return seen


def test_a_run_of_one_day_passes_that_day():
    assert _window_of(partition_key="2026-01-30") == {
        "rederive_from": "2026-01-30 00:00:00",
        "rederive_to": "2026-01-31 00:00:00",
    }


def test_a_backfilled_range_is_one_window():
    tags = {"dagster/asset_partition_range_start": "2026-01-30", "dagster/asset_partition_range_end": "2026-02-02"}
    assert _window_of(tags=tags) == {
        "rederive_from": "2026-01-30 00:00:00",
        "rederive_to": "2026-02-03 00:00:00",
    }


def test_an_unpartitioned_run_passes_no_window():
    @dg.asset
    def plain(context) -> dict[str, str]:  # noqa: ANN001 - as above
        return run_window_vars(context)

    assert plain(dg.build_asset_context()) == {}


def test_a_window_without_a_time_zone_is_refused():
    with pytest.raises(ValueError, match="time-zone aware"):
        window_vars(datetime(2026, 1, 1), datetime(2026, 1, 2, tzinfo=UTC))


def test_the_first_day_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("PARTITIONS_START", "2025-03-01")
    assert partitions_start() == "2025-03-01"
    assert refresh_partitions().get_first_partition_key() == "2025-03-01"
    monkeypatch.setenv("PARTITIONS_START", "March 2025")
    with pytest.raises(ValueError, match="PARTITIONS_START='March 2025'"):
        partitions_start()


def test_every_layer_of_a_run_gives_dbt_the_same_vars_full_refresh_or_not(tmp_path):
    """dbt parses the whole project again when its vars change: the layers of one run (a full
    refresh among them) must agree, and an unpartitioned run must match the prepared parse."""
    settings = Settings(warehouse_path=tmp_path / "warehouse.duckdb", landing_dir=tmp_path / "landing")
    window = window_vars(datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 7, 2, tzinfo=UTC))
    full, scoped = layer_build_args(settings, window, full_refresh=True), layer_build_args(settings, window, False)
    assert "--full-refresh" in full and "--full-refresh" not in scoped
    assert given_vars(full) == given_vars(scoped)
    given = json.loads(given_vars(full) or "{}")
    assert given["rederive_from"] == "2026-07-01 00:00:00" and given["rederive_to"] == "2026-07-02 00:00:00"
    assert DATA_TEST_SCOPE.items() <= given.items()
    assert given["warehouse_path"] == str(settings.warehouse_path)
    unpartitioned = layer_build_args(settings, {}, full_refresh=True)
    assert given_vars(unpartitioned) == given_vars(parse_args(settings))
