"""Shards (orchestration/datagen/shards.py): how a scale is split, and how a shard's ids follow
the previous shards'. Whole datasets built in shards are checked in test_datagen.py."""

from __future__ import annotations

import numpy as np
import pytest

from orchestration.contracts import entity
from orchestration.datagen.config import sizes_for
from orchestration.datagen.shards import (
    SHARD_SCALE,
    IdBases,
    id_space,
    proportional,
    shard_count,
    shard_sizes,
    shifted,
    stream_name,
)
from orchestration.datagen.tables import EntityTable


@pytest.mark.parametrize(
    ("scale", "shards"),
    [(0.01, 1), (SHARD_SCALE, 1), (SHARD_SCALE * 1.01, 2), (1.0, 2), (2.0, 4), (5.0, 10)],
)
def test_a_shard_covers_at_most_the_shard_scale(scale: float, shards: int) -> None:
    assert shard_count(scale) == shards


def test_shards_split_the_student_world_and_share_the_catalog() -> None:
    sizes = sizes_for(2.3)
    parts = [shard_sizes(sizes, shard, 5) for shard in range(5)]
    for field in ("students", "orders", "lesson_events", "sessions", "student_sessions"):
        values = [getattr(p, field) for p in parts]
        assert sum(values) == getattr(sizes, field), field
        assert max(values) - min(values) <= 1, field
    for field in ("instructors", "courses", "influencers", "campaigns"):
        assert {getattr(p, field) for p in parts} == {getattr(sizes, field)}, field


def test_the_first_shard_keeps_each_steps_random_stream() -> None:
    assert stream_name("orders", 0) == "orders"
    assert len({stream_name("orders", shard) for shard in range(4)}) == 4


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [(10, [1, 1, 1], [3, 4, 3]), (7, [500, 0, 500], [4, 0, 3]), (0, [5, 5], [0, 0]), (3, [0, 0], [0, 0])],
)
def test_proportional_parts_add_up_to_the_total(total: int, weights: list[int], expected: list[int]) -> None:
    assert proportional(total, weights) == expected


def test_a_shards_ids_follow_the_previous_shards_and_shared_references_stay() -> None:
    bases = IdBases.empty().after({"orders": 40, "order_items": 50, "refunds": 3}).after({"orders": 2})
    assert bases.shifts(entity("refunds")) == {"refund_id": 3, "order_id": 42, "order_item_id": 50}
    assert bases.shifts(entity("order_items")) == {"order_item_id": 50, "order_id": 42}  # course_id: built once
    assert IdBases.empty().shifts(entity("refunds")) == {}
    assert id_space(entity("enrollments"), "order_item_id") == "order_items"  # not a declared reference
    assert id_space(entity("subscription_events"), "subscription_id") == "subscriptions"
    assert id_space(entity("campaigns"), "campaign_id") is None  # built once


def test_shifted_ids_keep_their_nulls() -> None:
    table = EntityTable.build(
        "enrollments",
        {
            "enrollment_id": np.array([1, 2]),
            "student_id": np.array([1, 1]),
            "course_id": np.array([7, 8]),
            "order_item_id": np.array([5, 0]),
            "access_type": np.array(["purchase", "subscription"]),
            "enrolled_at": np.array([0, 0]),
            "progress_pct": np.array([0.0, 0.0]),
            "completed_at": np.array([0, 0]),
        },
        nulls={"order_item_id": np.array([False, True])},
    )
    moved = shifted(table, {"enrollment_id": 10, "order_item_id": 100})
    assert moved.columns["enrollment_id"].tolist() == [11, 12]
    assert moved.columns["order_item_id"].tolist()[0] == 105
    assert moved.null_mask("order_item_id").tolist() == [False, True]
    assert moved.columns["course_id"] is table.columns["course_id"]
