"""Vectorized sampling building blocks shared by the entity generators."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Draw = Callable[[np.random.Generator, int], np.ndarray]
SKIP_BLOCK = 4_000_000  # draws taken at a time when skipping over a draw


def zipf_weights(n: int, exponent: float, rng: np.random.Generator) -> np.ndarray:
    """Long-tail popularity: 1/rank^exponent, ranks shuffled over the n items; sums to 1."""
    weights = 1.0 / np.arange(1, n + 1, dtype=float) ** exponent
    weights = weights[rng.permutation(n)]
    return weights / weights.sum()


def capped_lognormal(n: int, sigma: float, cap_ratio: float, rng: np.random.Generator) -> np.ndarray:
    """Heavy-ish tail with the largest weight at most cap_ratio times the mean; sums to 1."""
    weights = rng.lognormal(0.0, sigma, n)
    weights = np.minimum(weights, cap_ratio * weights.mean())
    return weights / weights.sum()


def categorical(probabilities: np.ndarray | list[float], size: int, rng: np.random.Generator) -> np.ndarray:
    p = np.asarray(probabilities, dtype=float)
    return rng.choice(len(p), size=size, p=p / p.sum())


def pick_from_prefix(
    cumulative_weights: np.ndarray, prefix_lengths: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """For each draw, an index < its prefix length, weighted; prefix lengths must be >= 1.

    Items are sorted by when they became eligible (e.g. signup time), so "eligible at t" is a
    prefix and one searchsorted serves every draw at once.
    """
    return pick_with(cumulative_weights, prefix_lengths, rng.random(len(prefix_lengths)))


def pick_with(cumulative_weights: np.ndarray, prefix_lengths: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """pick_from_prefix with its uniform draws given, one per pick (taken from a stream)."""
    totals = cumulative_weights[prefix_lengths - 1]
    picks = np.searchsorted(cumulative_weights, uniforms * totals, side="right")
    return np.minimum(picks, prefix_lengths - 1)


def group_starts(counts: np.ndarray) -> np.ndarray:
    """Index of each group's first row when groups of `counts` rows are laid end to end."""
    starts = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    return starts


def position_in_group(counts: np.ndarray) -> np.ndarray:
    """0, 1, ... within each group, for rows laid out by np.repeat(groups, counts)."""
    total = int(counts.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(group_starts(counts), counts)


def exclusive_cumsum_by_group(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Sum of the previous values within the same group (rows of a group are contiguous)."""
    running = np.cumsum(values) - values
    first = np.r_[True, groups[1:] != groups[:-1]]
    base = running[first]
    return running - np.repeat(base, np.diff(np.r_[np.flatnonzero(first), len(values)]))


def split_by_weights(total: np.ndarray, weights: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Split each group's integer total over its rows in proportion to weights, exactly."""
    group_weight = np.bincount(groups, weights=weights)
    share = weights / group_weight[groups]
    raw = total[groups] * share
    floor = np.floor(raw).astype(np.int64)
    missing = total - np.bincount(groups, weights=floor, minlength=len(total)).astype(np.int64)
    # Largest remainders first within each group receive the leftover units.
    order = np.lexsort((-(raw - floor), groups))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = position_in_group(np.bincount(groups, minlength=len(total)))
    return floor + (rank < missing[groups])


# Two lower-case hex digits per byte value, as the uint16 whose bytes they are.
_HEX_PAIRS = np.frombuffer(b"".join(f"{i:02x}".encode() for i in range(256)), dtype=np.uint16)


def random_hex_ids(indexes: np.ndarray, width: int, salt: int, prefix: bytes = b"") -> np.ndarray:
    """Distinct random-looking lower-case hex ids of fixed width for distinct indexes (a bijection).

    Multiplying by an odd constant modulo 2^(4*width) permutes the id space, so ids never collide.
    Returns a numpy bytes array of dtype S<len(prefix) + width>.
    """
    bits = 4 * width
    mask = (1 << bits) - 1
    multiplier = (0x9E3779B97F4A7C15 ^ salt) & mask | 1
    values = (indexes.astype(np.uint64) * np.uint64(multiplier) + np.uint64(salt & mask)) & np.uint64(mask)
    # The value's big-endian bytes, two digits each from a table (a byte at a time rather than a
    # nibble at a time: ~2.5x faster); an odd width drops the leading digit, a 0 by the mask.
    n, n_bytes = len(values), (width + 1) // 2
    big_endian = values.astype(">u8").view(np.uint8).reshape(n, 8)[:, 8 - n_bytes :]
    digits = _HEX_PAIRS[big_endian].view(np.uint8).reshape(n, 2 * n_bytes)
    out = np.empty((n, len(prefix) + width), dtype=np.uint8)
    out[:, : len(prefix)] = np.frombuffer(prefix, dtype=np.uint8)
    out[:, len(prefix) :] = digits[:, 2 * n_bytes - width :]
    return out.view(f"S{len(prefix) + width}").ravel()


Watch = Callable[[int, np.ndarray], None]


@dataclass
class DrawStream:
    """The values of one full-length call `draw(rng, n)`, handed out a slice at a time."""

    generator: np.random.Generator
    draw: Draw

    def take(self, size: int) -> np.ndarray:
        return self.draw(self.generator, size)


def stream_ahead(rng: np.random.Generator, draw: Draw, n: int, watch: Watch | None = None) -> DrawStream:
    """The values `draw(rng, n)` would give, as a stream to take slices from; rng moves past them.

    A numpy Generator gives the same values for n draws of one distribution (same parameters)
    whether they are taken in one call or in consecutive smaller ones. So each of a sequence of
    whole-table calls can be served from its own copy of the generator, started where the calls
    before it leave the stream: a table is generated a block of rows at a time with the values of
    the whole-table calls, without holding n of them. `watch(first, values)` sees the values as rng
    skips them, for a later call whose size depends on them.
    """
    stream = DrawStream(copy.deepcopy(rng), draw)
    for start in range(0, n, SKIP_BLOCK):
        values = draw(rng, min(SKIP_BLOCK, n - start))
        if watch is not None:
            watch(start, values)
    return stream
