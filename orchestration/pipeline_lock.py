"""One writer at a time: the pipeline lock on a warehouse (and the landing dir that feeds it).

Every step that writes (generation, landing, dbt build, validation, publish) runs under an OS
advisory lock, `fcntl.flock` on `<warehouse>.lock`. Its holder writes who it is into that file
(pid, host, command, start time, UTC), so a run that finds the lock taken names the holder, waits
up to PIPELINE_LOCK_TIMEOUT seconds (default 1800; 0 refuses at once) and then either goes ahead or
fails saying who holds it.

The kernel releases a flock when its holder's process ends, however it ends (crash, kill -9): a
stale lock never blocks, and a holder record left in the file by a dead process is only shown
while somebody actually holds the lock.

The lock is re-entrant within a process: `make run` takes it once around all its steps, and the
landing and generator entry points it calls in process take it again without waiting for
themselves. It belongs to the process, not the thread; the steps run one after the other.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import math
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

TIMEOUT_VARIABLE = "PIPELINE_LOCK_TIMEOUT"
DEFAULT_TIMEOUT_SECONDS = 1800.0
POLL_SECONDS = 0.2
COMMAND_CHARS = 200


class LockBusy(RuntimeError):
    """The lock stayed taken for the whole timeout; the message names the holder."""


@dataclass(frozen=True)
class Holder:
    pid: int
    host: str
    command: str
    started_at: datetime

    def to_text(self) -> str:
        return json.dumps(
            {
                "pid": self.pid,
                "host": self.host,
                "command": self.command,
                "started_at": self.started_at.astimezone(UTC).isoformat(timespec="seconds"),
            }
        )


def parse_holder(text: str) -> Holder | None:
    """The holder recorded in the lock file; None when there is none or it is half-written."""
    try:
        record = json.loads(text)
        started = datetime.fromisoformat(record["started_at"])
        return Holder(int(record["pid"]), str(record["host"]), str(record["command"]), started)
    except (ValueError, KeyError, TypeError):
        return None


def describe_command(argv: list[str]) -> str:
    """A command line as a person would type it: the interpreter by its name, not its path."""
    if not argv:
        return "unknown command"
    words = [Path(argv[0]).name, *argv[1:]]
    text = " ".join(words)
    return text if len(text) <= COMMAND_CHARS else text[: COMMAND_CHARS - 3] + "..."


def describe_holder(holder: Holder | None, this_host: str) -> str:
    if holder is None:  # between a holder's flock and its record, or an older file
        return "a process that has not said who it is"
    where = "" if holder.host == this_host else f" on {holder.host}"
    since = holder.started_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")
    return f"pid {holder.pid}{where} ({holder.command}) since {since}"


def waiting_message(holder: Holder | None, timeout: float, this_host: str) -> str:
    return (
        f"another pipeline run holds the warehouse lock: {describe_holder(holder, this_host)}; "
        f"waiting up to {timeout:g} s ({TIMEOUT_VARIABLE})"
    )


def refusal_message(path: Path, holder: Holder | None, timeout: float, this_host: str) -> str:
    waited = "refusing at once" if timeout <= 0 else f"gave up after {timeout:g} s"
    return (
        f"another pipeline run holds the warehouse lock {path}: {describe_holder(holder, this_host)}; "
        f"{waited} ({TIMEOUT_VARIABLE}={timeout:g}; let it finish, or stop it and run again)"
    )


def parse_timeout(value: str | None) -> float:
    """PIPELINE_LOCK_TIMEOUT in seconds: unset or empty is the default, 0 refuses at once."""
    if value is None or not value.strip():
        return DEFAULT_TIMEOUT_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"{TIMEOUT_VARIABLE} must be a number of seconds, got {value!r}") from None
    if seconds < 0 or math.isnan(seconds):
        raise ValueError(f"{TIMEOUT_VARIABLE} must be 0 or more seconds, got {value!r}")
    return seconds


def timeout_from_env() -> float:
    return parse_timeout(os.environ.get(TIMEOUT_VARIABLE))


def lock_path(warehouse_path: Path) -> Path:
    return warehouse_path.with_name(warehouse_path.name + ".lock")


def _command_line() -> list[str]:
    # /proc keeps `-m orchestration.pipeline` as typed; sys.argv has the module's file path instead
    try:
        raw = Path("/proc/self/cmdline").read_bytes()
    except OSError:
        return [sys.executable, *sys.argv]
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _read_holder(path: Path) -> Holder | None:
    try:
        return parse_holder(path.read_text(encoding="utf-8"))
    except OSError:
        return None


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# The lock files this process holds, with how many nested holds each has.
_held: dict[Path, tuple[IO[str], int]] = {}
_held_guard = threading.Lock()


def _acquire(path: Path, timeout: float, command: str, say: Callable[[str], None]) -> IO[str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")  # never truncate: the holder's record is in it
    started = time.monotonic()
    announced = False
    host = socket.gethostname()
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - started
                if waited >= timeout:
                    raise LockBusy(refusal_message(path, _read_holder(path), timeout, host)) from None
                if not announced:
                    say(waiting_message(_read_holder(path), timeout, host))
                    announced = True
                time.sleep(min(POLL_SECONDS, timeout - waited))
        if announced:
            say(f"got the warehouse lock after {time.monotonic() - started:.0f} s")
        holder = Holder(os.getpid(), host, command, datetime.now(UTC))
        handle.seek(0)
        handle.truncate()
        handle.write(holder.to_text() + "\n")
        handle.flush()
        return handle
    except BaseException:
        handle.close()
        raise


@contextlib.contextmanager
def warehouse_lock(
    warehouse_path: Path,
    timeout: float | None = None,
    command: str | None = None,
    say: Callable[[str], None] = _stderr,
) -> Iterator[None]:
    """Hold the pipeline lock of `warehouse_path` for the block (see the module docstring).

    timeout: seconds to wait for another holder (default: PIPELINE_LOCK_TIMEOUT, else 1800);
    command: what the holder record says this process is doing (default: its command line);
    say: where the waiting message goes (default: stderr).
    """
    path = lock_path(warehouse_path).resolve()
    with _held_guard:
        if path in _held:
            handle, depth = _held[path]
            _held[path] = (handle, depth + 1)
        else:
            handle = None
    if handle is None:
        seconds = timeout_from_env() if timeout is None else timeout
        handle = _acquire(path, seconds, command or describe_command(_command_line()), say)
        with _held_guard:
            _held[path] = (handle, 1)
    try:
        yield
    finally:
        with _held_guard:
            handle, depth = _held.pop(path)
            if depth > 1:
                _held[path] = (handle, depth - 1)
        if depth == 1:
            try:
                handle.seek(0)
                handle.truncate()  # nobody holds it now: no record to show
            finally:
                handle.close()  # closing the last descriptor releases the flock
