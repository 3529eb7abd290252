"""Headless Chromium for the tests that look at a page the way a person would.

Chromium comes from the system (Debian's `chromium` package; `.ci/run` installs it). Without it a
browser test is skipped with that reason, unless REQUIRE_BROWSER=1 (set by `.ci/run`), where a
missing browser fails the test instead of hiding it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

# Without the background-networking flags Chromium keeps trying to reach Google's hosts, which this
# closed network refuses; a fresh profile directory keeps runs independent.
_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def chromium_path() -> str:
    """The Chromium binary, or skip (fail under REQUIRE_BROWSER=1) when none is installed."""
    for name in (os.environ.get("CHROMIUM_PATH", ""), "chromium", "chromium-browser", "google-chrome"):
        found = name and shutil.which(name)
        if found:
            return found
    message = "headless Chromium not found (apt-get install chromium, or set CHROMIUM_PATH)"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


def _chromium(url: str, *commands: str, width: int, height: int, wait_ms: int) -> str:
    """Run headless Chromium's `commands` on `url` after `wait_ms` of virtual time (scripts and
    timers run that long first, so single-page apps have rendered); returns what it printed."""
    binary = chromium_path()
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        result = subprocess.run(
            [
                binary,
                *_FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                f"--virtual-time-budget={wait_ms}",
                *commands,
                url,
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
    return result.stdout


def screenshot_and_dom(
    url: str, name: str, *, width: int = 1400, height: int = 1000, wait_ms: int = 8000
) -> tuple[Path, str]:
    """Render `url` once: a PNG saved as artifacts/<name>.png, and the page's DOM as the screenshot
    shows it (to assert on rendered text). One load, not one per look: the Dagster UI's pages take
    tens of seconds of CPU each to render."""
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    target.unlink(missing_ok=True)
    dom = _chromium(url, f"--screenshot={target}", "--dump-dom", width=width, height=height, wait_ms=wait_ms)
    assert target.exists() and target.stat().st_size > 0, f"Chromium wrote no screenshot of {url}"
    return target, dom


def dump_dom(url: str, *, wait_ms: int = 8000, width: int = 1400, height: int = 1000) -> str:
    """The page's DOM after scripts ran for `wait_ms` of virtual time (to assert on rendered text),
    laid out in a `width` x `height` window."""
    return _chromium(url, "--dump-dom", width=width, height=height, wait_ms=wait_ms)
