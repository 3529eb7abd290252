"""The generator in bounded blocks: whatever the block sizes (rows generated, drawn, spilled and
rendered at a time), the files are byte for byte those of one whole-table pass."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from orchestration.datagen import GeneratorConfig, generate, learning, sampling, spill, writer
from orchestration.datagen.defects import DefectPlan, nth_true, plan_defects
from orchestration.datagen.generator import build_tables
from orchestration.datagen.sampling import stream_ahead
from orchestration.datagen.spill import MonthSpill, SpilledTable
from orchestration.datagen.tables import EntityTable
from orchestration.datagen.timeline import MS_PER_DAY

END = date(2026, 6, 15)


def _checksums(out: Path) -> dict[str, str]:
    files = json.loads((out / "_manifest" / "generation.json").read_text())["files"]
    defects = (out / "_manifest" / "defects.csv").read_bytes()
    return {f["path"]: f["sha256"] for f in files} | {"defects.csv": hashlib.sha256(defects).hexdigest()}


def test_tiny_blocks_give_the_same_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = GeneratorConfig(scale=0.01, seed=5, end_date=END, defect_rate=0.01, out_dir=tmp_path / "whole")
    generate(config)
    monkeypatch.setattr(spill, "BLOCK_ROWS", 9_999)
    monkeypatch.setattr(learning, "LESSON_BLOCK_ROWS", 3_333)
    monkeypatch.setattr(sampling, "SKIP_BLOCK", 7_777)
    monkeypatch.setattr(writer, "CHUNK_ROWS", 5_555)
    generate(GeneratorConfig(scale=0.01, seed=5, end_date=END, defect_rate=0.01, out_dir=tmp_path / "blocks"))
    assert _checksums(tmp_path / "blocks") == _checksums(tmp_path / "whole")


@pytest.fixture(scope="module")
def tables() -> dict[str, EntityTable | SpilledTable]:
    return build_tables(GeneratorConfig(scale=0.005, seed=2, end_date=END, out_dir=Path("unused")))


def _plan(table: EntityTable | SpilledTable) -> tuple[DefectPlan, np.ndarray]:
    from orchestration.datagen.generator import partition_months

    month, late_ok = partition_months(table)
    assert month is not None
    return plan_defects(table, 0.02, None, {}, month, late_ok, np.random.default_rng(3)), month


def _write(
    table: EntityTable | SpilledTable, plan: DefectPlan, month: np.ndarray, out: Path
) -> tuple[list[writer.WrittenFile], list[writer.DefectRecord]]:
    files = writer.EntityFiles(table.entity, out, END)
    files.add(table, plan, month, {})
    return files.close()


@pytest.mark.parametrize("name", ["orders", "sessions", "lesson_activity"])
def test_chunked_writing_equals_unchunked(
    name: str, tables: dict[str, EntityTable | SpilledTable], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = tables[name]
    plan, month = _plan(table)
    whole = _write(table, plan, month, tmp_path / "whole")
    monkeypatch.setattr(writer, "CHUNK_ROWS", 101)
    chunked = _write(table, plan, month, tmp_path / "chunked")
    assert [f.sha256 for f in chunked[0]] == [f.sha256 for f in whole[0]]
    assert chunked[1] == whole[1]
    assert len(whole[1]) == plan.count > 0  # every defect has its manifest row


def test_the_chunk_size_is_honoured(
    tables: dict[str, EntityTable | SpilledTable], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[int] = []
    render = writer.render_table
    monkeypatch.setattr(writer, "render_table", lambda t: rendered.append(t.n_rows) or render(t))
    monkeypatch.setattr(writer, "CHUNK_ROWS", 250)
    table = tables["sessions"]
    plan, month = _plan(table)
    files, _ = _write(table, plan, month, tmp_path)
    assert max(f.rows for f in files) > 250  # files span several chunks
    assert max(rendered) <= 250
    assert sum(rendered) >= table.n_rows


def test_spilled_tables_are_read_a_block_at_a_time(
    tables: dict[str, EntityTable | SpilledTable], monkeypatch: pytest.MonkeyPatch
) -> None:
    table = tables["sessions"]
    assert isinstance(table, SpilledTable)
    monkeypatch.setattr(spill, "BLOCK_ROWS", 1_000)
    sizes = [block.n_rows for block in table.row_blocks()]
    assert max(sizes) <= 1_000 and sum(sizes) == table.n_rows
    rows = np.array([table.n_rows - 1, 0, 5, table.n_rows // 2])
    ids = np.asarray(table.take(rows).columns["sessionId"].to_pylist())
    blockwise = np.concatenate([np.asarray(b.columns["sessionId"].to_pylist()) for b in table.row_blocks()])
    assert (ids == blockwise[rows]).all()


def test_a_stream_gives_the_values_of_the_whole_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sampling, "SKIP_BLOCK", 1_000)
    draws = [
        lambda r, k: r.integers(0, 15, k),
        lambda r, k: r.poisson(2.5, k),
        lambda r, k: r.lognormal(3.0, 0.6, k),
        lambda r, k: r.choice(24, size=k, p=np.full(24, 1 / 24)),
    ]
    whole = np.random.default_rng(8)
    expected = [draw(whole, 12_345) for draw in draws]
    rng = np.random.default_rng(8)
    seen: list[int] = []
    streams = [stream_ahead(rng, draw, 12_345, lambda first, values: seen.append(first)) for draw in draws]
    assert rng.bit_generator.state == whole.bit_generator.state  # rng moved past all of them
    assert seen[:13] == list(range(0, 13_000, 1_000))
    for stream, values in zip(streams, expected, strict=True):
        parts = [stream.take(k) for k in (1, 99, 5_000, 7_245)]
        assert np.array_equal(np.concatenate(parts), values)


def test_nth_true_is_flatnonzero(monkeypatch: pytest.MonkeyPatch) -> None:
    from orchestration.datagen import defects

    monkeypatch.setattr(defects, "NTH_TRUE_BLOCK", 64)
    mask = np.random.default_rng(1).random(1_000) < 0.3
    ordinals = np.array([0, 5, 17, int(mask.sum()) - 1, 40, 39])
    assert np.array_equal(nth_true(mask, ordinals), np.flatnonzero(mask)[ordinals])
    assert len(nth_true(mask, np.zeros(0, dtype=np.int64))) == 0


def test_a_month_spill_sorts_by_instant_then_tie_breaks_then_arrival(tmp_path: Path) -> None:
    dtype = np.dtype([("ms", np.int64), ("tie", np.int64), ("arrival", np.int64)])
    month_ms = 31 * MS_PER_DAY
    rows = [(5, 1, 0), (month_ms + 1, 0, 1), (5, 0, 2), (3, 0, 3), (5, 0, 4), (month_ms, 9, 5)]
    spilled = MonthSpill(tmp_path, dtype, "ms")
    records = np.array(rows, dtype=dtype)
    for start, stop in ((0, 2), (2, 5), (5, 6)):  # appended in three batches
        spilled.append(records[start:stop])
    firsts: list[int] = []
    order = [r["arrival"].tolist() for _, r in spilled.sort("tie", fill=lambda records, first: firsts.append(first))]
    assert order == [[3, 2, 4, 0], [5, 1]]
    assert firsts == [0, 4]


def test_a_month_spill_sorts_a_day_at_a_time_into_the_months_order(tmp_path: Path) -> None:
    dtype = np.dtype([("ms", np.int64), ("arrival", np.int64)])
    instants = [2 * MS_PER_DAY + 5, 5, 40 * MS_PER_DAY, MS_PER_DAY, 5, 2 * MS_PER_DAY]
    spilled = MonthSpill(tmp_path, dtype, "ms")
    spilled.append(np.array([(ms, arrival) for arrival, ms in enumerate(instants)], dtype=dtype))
    pieces = list(spilled.sort())
    assert [month for month, _ in pieces] == [pieces[0][0]] * 3 + [pieces[0][0] + 1]  # three days, then one
    in_month = np.fromfile(spilled.path(pieces[0][0]), dtype=dtype)
    assert in_month["arrival"].tolist() == [1, 4, 3, 5, 0]  # by instant, ties in arrival order
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{m}.bin" for m in sorted(spilled.counts)]


def test_a_stashed_table_reads_as_the_table(tables: dict[str, EntityTable | SpilledTable], tmp_path: Path) -> None:
    table = tables["order_items"]
    assert isinstance(table, EntityTable)
    stashed = spill.stash(table, tmp_path)
    rows = np.array([3, 0, table.n_rows - 1])
    for name, values in table.take(rows).columns.items():
        assert np.array_equal(np.asarray(stashed.take(rows).columns[name]), np.asarray(values))
    assert np.array_equal(stashed.local_offsets["ordered_at"], table.local_offsets["ordered_at"])
    assert np.array_equal(stashed.protected, table.protected)  # type: ignore[arg-type]
