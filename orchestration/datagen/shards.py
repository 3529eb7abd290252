"""Shards: the students and everything they do, built a slice of the students at a time.

Above SHARD_SCALE the generator builds the student world (students, their orders, learning,
sessions...) in shards of at most SHARD_SCALE each, one after the other, against one catalog and
one campaign program: a shard's arrays are freed before the next is built, so memory follows the
shard's size, not the scale. Each shard numbers its rows from 1; the files number them across
shards, each shard's ids following the previous shards' (`IdBases`, applied as rows are written).
A dataset of one shard is what the generator made before shards, but for the two draws every
shard must agree on (which courses end with a project, the daily branded searches), now made once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from orchestration.contracts import Entity
from orchestration.datagen.config import Sizes
from orchestration.datagen.tables import Categorical, EntityTable

SHARD_SCALE = 0.5  # the scale one shard covers at most; ~340 MB of generator memory at seed 42

# Entities built per shard: their ids are numbered across shards. The rest (catalog, campaigns,
# rates, plans, experiments, reports, and the daily counts over all students) are built once.
SHARDED = frozenset(
    {
        "students",
        "orders",
        "order_items",
        "payments",
        "refunds",
        "installment_plans",
        "subscription_events",
        "leads",
        "enrollments",
        "lesson_activity",
        "certificates",
        "reviews",
        "surveys",
        "tickets",
        "assessments",
        "posts",
        "referrals",
        "mentions",
        "sessions",
    }
)
# Id columns the contract does not declare as references (so they take no orphan defects), with
# the id space they count in: a subscription's id is not a row of any landed table.
UNDECLARED_IDS = {
    ("enrollments", "order_item_id"): "order_items",
    ("posts", "parent_post_id"): "posts",
    ("subscription_events", "subscription_id"): "subscriptions",
}


def shard_count(scale: float) -> int:
    return max(1, math.ceil(scale / SHARD_SCALE - 1e-9))


def proportional(total: int, weights: list[int]) -> list[int]:
    """`total` split in proportion to the weights, in whole parts that add up to it."""
    cumulative = np.cumsum([0, *weights])
    if cumulative[-1] == 0:
        return [0] * len(weights)
    cuts = np.floor(total * cumulative / cumulative[-1] + 0.5).astype(np.int64)
    return np.diff(cuts).tolist()


def shard_sizes(sizes: Sizes, shard: int, shards: int) -> Sizes:
    """The row targets of one shard: the student world's split, the catalog's and campaigns' whole."""
    def share(total: int) -> int:
        return proportional(total, [1] * shards)[shard]

    return replace(
        sizes,
        students=share(sizes.students),
        orders=share(sizes.orders),
        lesson_events=share(sizes.lesson_events),
        sessions=share(sizes.sessions),
        student_sessions=share(sizes.student_sessions),
    )


def stream_name(name: str, shard: int) -> str:
    """The random stream of a step in a shard: the first shard keeps the step's own stream."""
    return name if shard == 0 else f"{name}@{shard}"


def id_space(entity: Entity, column: str) -> str | None:
    """The id space an integer id column counts in (an entity name, or `subscriptions`), if it
    is numbered per shard; None for values and for references to what is built once."""
    undeclared = UNDECLARED_IDS.get((entity.name, column))
    if undeclared is not None:
        return undeclared
    spec = entity.column(column)
    if spec.type != "key":
        return None
    if spec.references:
        parent = spec.references.split(".")[0]
        return parent if parent in SHARDED else None
    return entity.name if column == entity.key[0] and entity.name in SHARDED else None


@dataclass
class IdBases:
    """Per id space, how many ids the shards built so far used: the next shard's ids follow them."""

    used: dict[str, int]

    @classmethod
    def empty(cls) -> IdBases:
        return cls({})

    def base(self, space: str) -> int:
        return self.used.get(space, 0)

    def shifts(self, entity: Entity) -> dict[str, int]:
        """What to add to each id column of a shard's table of this entity."""
        shifts = {}
        for column in entity.columns:
            space = id_space(entity, column.name)
            if space is not None and self.base(space):
                shifts[column.name] = self.base(space)
        return shifts

    def after(self, counts: dict[str, int]) -> IdBases:
        """The bases for the next shard, once a shard used `counts` ids per space."""
        return IdBases({s: self.base(s) + counts.get(s, 0) for s in {*self.used, *counts}})


def shifted(table: EntityTable, shifts: dict[str, int]) -> EntityTable:
    """The rows with the shard's bases added to their id columns (null ids stay null)."""
    if not shifts:
        return table
    columns = dict(table.columns)
    for name, base in shifts.items():
        values = columns[name]
        if isinstance(values, Categorical):
            raise TypeError(f"{table.name}.{name}: an id column holds codes, not ids")
        columns[name] = np.asarray(values) + base
    return EntityTable(table.entity, columns, table.nulls, table.local_offsets, table.protected)
