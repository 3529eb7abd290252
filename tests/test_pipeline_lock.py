"""One writer at a time (the pipeline lock), and generation that swaps a complete dataset in.

The lock tests hold the lock in a real second process (flock is per process), so what they see is
what two `make run`s see.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.datagen import writer
from orchestration.datagen.config import GeneratorConfig
from orchestration.datagen.generator import generate
from orchestration.defs.resources import WarehouseResource
from orchestration.pipeline import generate_step
from orchestration.pipeline_lock import (
    DEFAULT_TIMEOUT_SECONDS,
    Holder,
    LockBusy,
    describe_command,
    lock_path,
    parse_holder,
    parse_timeout,
    refusal_message,
    waiting_message,
    warehouse_lock,
)
from orchestration.settings import PROJECT_DIR, Settings

STARTED = datetime(2026, 12, 3, 8, 10, 42, tzinfo=UTC)
HOLDER = Holder(1234, "etl-1", "python -m orchestration.pipeline --steps land", STARTED)
END = datetime(2026, 11, 22, 14, tzinfo=UTC)

# Takes the lock, says so, holds it for argv[2] seconds, releases it and stays alive: a holder
# that releases is told apart from one that dies.
HOLDER_SCRIPT = """
import sys, time
from pathlib import Path
from orchestration.pipeline_lock import warehouse_lock

with warehouse_lock(Path(sys.argv[1]), timeout=0):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
print("released", flush=True)
sys.stdin.read()
"""


# ------------------------------------------------------------------------------ pure functions
def test_the_waiting_message_names_the_holder_its_command_and_the_timeout() -> None:
    assert waiting_message(HOLDER, 1800, this_host="etl-1") == (
        "another pipeline run holds the warehouse lock: pid 1234 "
        "(python -m orchestration.pipeline --steps land) since 2026-12-03T08:10Z; "
        "waiting up to 1800 s (PIPELINE_LOCK_TIMEOUT)"
    )
    assert "pid 1234 on etl-1 (python" in waiting_message(HOLDER, 5, this_host="laptop")


def test_the_refusal_names_the_holder_and_how_long_it_waited() -> None:
    at_once = refusal_message(Path("/data/warehouse.duckdb.lock"), HOLDER, 0, this_host="etl-1")
    assert at_once.startswith("another pipeline run holds the warehouse lock /data/warehouse.duckdb.lock: pid 1234 (")
    assert "refusing at once (PIPELINE_LOCK_TIMEOUT=0;" in at_once
    assert "gave up after 2.5 s (PIPELINE_LOCK_TIMEOUT=2.5;" in refusal_message(Path("x.lock"), HOLDER, 2.5, "etl-1")
    assert "a process that has not said who it is" in refusal_message(Path("x.lock"), None, 0, "etl-1")


def test_the_holder_record_reads_back_and_a_half_written_one_is_none() -> None:
    text = HOLDER.to_text()
    assert parse_holder(text) == HOLDER
    assert parse_holder(text[: len(text) // 2]) is None
    assert parse_holder("") is None
    assert parse_holder('{"pid": "x"}') is None


def test_a_command_line_is_shown_as_typed_and_kept_short() -> None:
    assert describe_command(["/work/main/.venv/bin/python", "-m", "orchestration.pipeline"]) == (
        "python -m orchestration.pipeline"
    )
    long = describe_command(["python", "-c", "x" * 500])
    assert len(long) == 200 and long.endswith("...")
    assert describe_command([]) == "unknown command"


@pytest.mark.parametrize(
    ("value", "seconds"), [(None, DEFAULT_TIMEOUT_SECONDS), ("", DEFAULT_TIMEOUT_SECONDS), ("0", 0.0), ("2.5", 2.5)]
)
def test_the_timeout_setting(value: str | None, seconds: float) -> None:
    assert parse_timeout(value) == seconds


@pytest.mark.parametrize("value", ["-1", "soon", "nan"])
def test_a_bad_timeout_setting_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="PIPELINE_LOCK_TIMEOUT"):
        parse_timeout(value)


def test_the_lock_file_is_next_to_the_warehouse() -> None:
    assert lock_path(Path("/data/warehouse.duckdb")) == Path("/data/warehouse.duckdb.lock")


@pytest.mark.parametrize(
    ("name", "leftover"),
    [
        ("landing.new-0123456789ab", True),
        ("landing.old-0123456789ab", True),
        ("landing", False),
        ("landing.new-mine", False),
        ("landing.new-0123456789ab.bak", False),
        ("other.new-0123456789ab", False),
    ],
)
def test_only_a_generations_own_siblings_count_as_leftovers(name: str, leftover: bool) -> None:
    assert writer.is_leftover(name, "landing") is leftover


# ------------------------------------------------------------------------------ the lock, two processes
@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


Hold = Callable[..., "subprocess.Popen[str]"]


@pytest.fixture
def hold(tmp_path: Path) -> Iterator[Hold]:
    """Start a process holding the lock of a warehouse for some seconds; returns it once it holds."""
    script = tmp_path / "holder.py"
    script.write_text(HOLDER_SCRIPT)
    started: list[subprocess.Popen[str]] = []

    def start(warehouse: Path, seconds: float = 3600) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, str(script), str(warehouse), str(seconds)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=PROJECT_DIR,
        )
        started.append(process)
        assert process.stdout is not None and process.stdout.readline().strip() == "held"
        return process

    yield start
    for process in started:
        process.kill()
        process.wait()


def test_a_second_process_is_refused_at_once_and_told_who_holds_the_lock(warehouse: Path, hold: Hold) -> None:
    holder = hold(warehouse)
    with pytest.raises(LockBusy) as refused, warehouse_lock(warehouse, timeout=0):
        pytest.fail("took a lock another process holds")
    message = str(refused.value)
    assert f"pid {holder.pid} (python " in message and "holder.py" in message
    assert "refusing at once (PIPELINE_LOCK_TIMEOUT=0" in message


def test_a_waiting_process_gets_the_lock_once_the_holder_releases_it(warehouse: Path, hold: Hold) -> None:
    holder = hold(warehouse, seconds=1.0)
    said: list[str] = []
    started = time.monotonic()
    with warehouse_lock(warehouse, timeout=30, say=said.append):
        waited = time.monotonic() - started
        assert parse_holder(lock_path(warehouse).read_text()).pid == os.getpid()
    assert 0.3 < waited < 20
    assert holder.poll() is None and holder.stdout.readline().strip() == "released"  # released, alive
    assert said[0].startswith(f"another pipeline run holds the warehouse lock: pid {holder.pid} (python ")
    assert said[0].endswith("waiting up to 30 s (PIPELINE_LOCK_TIMEOUT)")
    assert said[1].startswith("got the warehouse lock after")


def test_a_killed_holder_does_not_block(warehouse: Path, hold: Hold) -> None:
    holder = hold(warehouse)
    holder.kill()
    holder.wait()
    assert parse_holder(lock_path(warehouse).read_text()).pid == holder.pid  # its record stays
    with warehouse_lock(warehouse, timeout=0):
        assert parse_holder(lock_path(warehouse).read_text()).pid == os.getpid()


def test_the_lock_is_reentrant_in_a_process_and_released_by_the_outermost_hold(
    warehouse: Path, tmp_path: Path
) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import sys\nfrom pathlib import Path\nfrom orchestration.pipeline_lock import LockBusy, warehouse_lock\n"
        "try:\n    with warehouse_lock(Path(sys.argv[1]), timeout=0):\n        pass\n"
        "except LockBusy:\n    sys.exit(3)\n"
    )

    def free() -> bool:
        return subprocess.run([sys.executable, str(probe), str(warehouse)], cwd=PROJECT_DIR).returncode == 0

    with warehouse_lock(warehouse, timeout=0):
        with warehouse_lock(warehouse, timeout=0):  # what `make run` does when it calls landing's main
            pass
        assert not free()
    assert free()
    assert lock_path(warehouse).read_text() == ""  # released: no holder to show


def _env(root: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "WAREHOUSE_PATH": str(root / "warehouse.duckdb"),
        "LANDING_DIR": str(root / "landing"),
        "SERVING_PATH": str(root / "serving.duckdb"),
        "EXPORT_DIR": str(root / "export"),
        "REPORTS_DIR": str(root / "reports"),
        **extra,
    }


@pytest.mark.parametrize(
    "command",
    [
        ["-m", "orchestration.pipeline", "--steps", "land"],
        ["-m", "orchestration.pipeline", "--steps", "generate", "--regenerate", "--scale", "0.002"],
        ["-m", "orchestration.landing"],
        ["-m", "orchestration.datagen", "--scale", "0.002"],
    ],
    ids=["make-land", "make-data", "landing-cli", "datagen-cli"],
)
def test_every_entry_point_that_writes_refuses_while_another_run_holds_the_lock(
    tmp_path: Path, hold: Hold, command: list[str]
) -> None:
    holder = hold(tmp_path / "warehouse.duckdb")
    done = subprocess.run(
        [sys.executable, *command],
        env=_env(tmp_path, PIPELINE_LOCK_TIMEOUT="0"),
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    lock = tmp_path / "warehouse.duckdb.lock"
    assert f"another pipeline run holds the warehouse lock {lock}: pid {holder.pid}" in done.stderr
    assert "holder.py" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["holder.py", "warehouse.duckdb.lock"]  # nothing written


def test_a_dagster_run_holds_the_lock_and_is_refused_while_another_run_does(
    tmp_path: Path, hold: Hold, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(warehouse_path=tmp_path / "warehouse.duckdb", landing_dir=tmp_path / "landing")
    seen: list[Holder | None] = []

    @dg.asset
    def writes(warehouse: WarehouseResource) -> None:
        seen.append(parse_holder(lock_path(Path(warehouse.warehouse_path)).read_text()))

    resources = {"warehouse": WarehouseResource.from_settings(settings)}
    result = dg.materialize([writes], resources=resources)
    assert result.success and seen[0].pid == os.getpid()
    assert seen[0].command == f"dagster run {result.run_id}"

    holder = hold(settings.warehouse_path)
    monkeypatch.setenv("PIPELINE_LOCK_TIMEOUT", "0")
    refused = dg.materialize([writes], resources=resources, raise_on_error=False)
    assert not refused.success and len(seen) == 1
    failure = next(e for e in refused.all_events if e.event_type_value == "RESOURCE_INIT_FAILURE")
    lock = lock_path(settings.warehouse_path)
    error = str(failure.event_specific_data.error)
    assert f"another pipeline run holds the warehouse lock {lock}: pid {holder.pid}" in error


# ------------------------------------------------------------------------------ generation swaps a dataset in
def _checksums(landing: Path) -> dict[str, str]:
    return {
        path.relative_to(landing).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(landing.rglob("*"))
        if path.is_file()
    }


def _config(out_dir: Path, seed: int) -> GeneratorConfig:
    return GeneratorConfig(scale=0.002, seed=seed, end=END, defect_rate=0.002, out_dir=out_dir)


@pytest.fixture(scope="module")
def first_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = tmp_path_factory.mktemp("first") / "landing"
    generate(_config(landing, seed=1))
    return landing


@pytest.fixture
def landing(first_dataset: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data" / "landing"
    shutil.copytree(first_dataset, copy)
    return copy


def test_a_generation_failing_mid_write_leaves_the_previous_dataset_and_warehouse(
    landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(warehouse_path=landing.parent / "warehouse.duckdb", landing_dir=landing)
    settings.warehouse_path.write_bytes(b"built from the previous dataset")
    before = _checksums(landing)
    written: list[Path] = []

    class FailingAfterSomeFiles(writer.CsvFile):
        def __init__(self, path: Path, header: Iterable[str]) -> None:
            if len(written) == 20:
                raise OSError("disk full")
            written.append(path)
            super().__init__(path, header)

    monkeypatch.setattr(writer, "CsvFile", FailingAfterSomeFiles)
    with pytest.raises(OSError, match="disk full"):
        generate_step(settings, 0.002, 2, END, force=True)
    assert len(written) == 20 and not any(landing in p.parents for p in written)  # all went elsewhere
    assert _checksums(landing) == before
    assert sorted(p.name for p in landing.parent.iterdir()) == ["landing", "warehouse.duckdb", "warehouse.duckdb.lock"]
    assert settings.warehouse_path.read_bytes() == b"built from the previous dataset"


def test_a_regeneration_swaps_in_a_whole_new_dir_and_keeps_what_is_not_the_datasets(landing: Path) -> None:
    stale = landing / "marketplace" / "orders" / "orders_1999-01.csv"
    stale.write_text("order_id\n1\n")
    (landing / "README.txt").write_text("somebody's notes")
    inode = landing.stat().st_ino

    generate(_config(landing, seed=2))

    assert landing.stat().st_ino != inode  # a new dir renamed into place, not the old one emptied
    manifest = json.loads((landing / "_manifest" / "generation.json").read_text())
    assert manifest["parameters"]["seed"] == 2
    files = {f["path"]: f["sha256"] for f in manifest["files"]}
    on_disk = _checksums(landing)
    assert {p: s for p, s in on_disk.items() if p.endswith(".csv") and not p.startswith("_manifest/")} == files
    assert not stale.exists()
    assert (landing / "README.txt").read_text() == "somebody's notes"
    assert [p.name for p in landing.parent.iterdir()] == ["landing"]


def test_the_next_generation_removes_what_a_killed_one_left(landing: Path) -> None:
    killed_mid_write = landing.with_name("landing.new-0123456789ab")
    (killed_mid_write / "marketplace").mkdir(parents=True)
    (killed_mid_write / "marketplace" / "half.csv").write_text("id\n")
    killed_mid_swap = landing.with_name("landing.old-ba9876543210")
    (killed_mid_swap / "notes").mkdir(parents=True)  # moved aside with the dataset it replaced
    (killed_mid_swap / "notes" / "keep.txt").write_text("mine")
    unrelated = landing.with_name("landing.new-mine")
    unrelated.mkdir()

    generate(_config(landing, seed=3))

    assert sorted(p.name for p in landing.parent.iterdir()) == ["landing", "landing.new-mine"]
    assert (landing / "notes" / "keep.txt").read_text() == "mine"


# ------------------------------------------------------------------------------ two `make data`s at once
@pytest.mark.slow
def test_two_pipeline_runs_regenerating_at_once_take_turns_and_leave_one_whole_dataset(tmp_path: Path) -> None:
    steps = ["--steps", "generate,land", "--regenerate", "--scale", "0.002"]
    env = _env(tmp_path, PIPELINE_LOCK_TIMEOUT="300")

    def start() -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "orchestration.pipeline", *steps],
            env=env,
            cwd=PROJECT_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    first = start()
    deadline = time.monotonic() + 60
    lock = tmp_path / "warehouse.duckdb.lock"
    while not (lock.exists() and (holder := parse_holder(lock.read_text())) and holder.pid == first.pid):
        assert first.poll() is None and time.monotonic() < deadline, "the first run never took the warehouse lock"
        time.sleep(0.05)
    second = start()  # while the first one generates and lands
    outputs = [process.communicate(timeout=300) for process in (first, second)]

    for process, (stdout, stderr) in zip((first, second), outputs, strict=True):
        assert process.returncode == 0, stdout[-3000:] + stderr[-3000:]
    command = f"python -m orchestration.pipeline {' '.join(steps)}"
    waited = f"another pipeline run holds the warehouse lock: pid {first.pid} ({command})"
    assert waited in outputs[1][1]
    landing = tmp_path / "landing"
    manifest = json.loads((landing / "_manifest" / "generation.json").read_text())
    files = sorted(p.relative_to(landing).as_posix() for p in landing.glob("*/*/*.csv"))
    assert files == sorted(f["path"] for f in manifest["files"])
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("landing")] == ["landing"]
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        ledger = con.execute("select status, count(distinct file_path) from raw.load_ledger group by status")
        statuses = dict(ledger.fetchall())
    assert statuses == {"loaded": len(files)}
