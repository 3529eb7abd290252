"""`make bench`: wall time and peak memory of each pipeline step at several dataset scales.

Each step runs in its own child process so its peak RSS is its own. Results are printed and
written to `artifacts/bench.json`. Numbers are reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from orchestration.settings import PROJECT_DIR

STEPS = ("generate", "land", "build")


def _child(step: str, scale: float, workdir: Path) -> None:
    """Run one step in this process and print its measurements as one JSON line."""
    os.environ["LANDING_DIR"] = str(workdir / "landing")
    os.environ["WAREHOUSE_PATH"] = str(workdir / "warehouse.duckdb")
    from orchestration import pipeline

    started = time.perf_counter()
    arguments = {
        "generate": ["--steps", "generate", "--regenerate", "--scale", str(scale)],
        "land": ["--steps", "land"],
        "build": ["--steps", "build"],
    }[step]
    with open(os.devnull, "w") as quiet:
        stdout = sys.stdout
        sys.stdout = quiet
        try:
            code = pipeline.main(arguments)
        finally:
            sys.stdout = stdout
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "step": step,
                "scale": scale,
                "ok": code == 0,
                "seconds": round(seconds, 2),
                "peak_rss_mib": round(peak_mib),
            }
        )
    )


def _measure(step: str, scale: float, workdir: Path) -> dict:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestration.bench",
            "--child",
            step,
            "--scales",
            str(scale),
            "--workdir",
            str(workdir),
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode != 0 or not lines:
        raise SystemExit(f"bench step {step} at scale {scale} failed:\n{completed.stderr[-3000:]}")
    return json.loads(lines[-1])


def _rows(workdir: Path) -> dict[str, int]:
    from orchestration import duckdb_connect

    with duckdb_connect.connect(str(workdir / "warehouse.duckdb"), read_only=True) as con:
        tables = con.execute(
            "select table_name from duckdb_tables() "
            "where schema_name = 'raw' and table_name <> 'load_ledger' order by 1"
        ).fetchall()
        return {t: con.execute(f"select count(*) from raw.{t}").fetchone()[0] for (t,) in tables}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", default="0.05,1.0")
    parser.add_argument("--steps", default=",".join(STEPS))
    parser.add_argument("--workdir", type=Path, default=PROJECT_DIR / "data" / "bench")
    parser.add_argument("--child", choices=STEPS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    scales = [float(s) for s in args.scales.split(",")]
    if args.child:
        _child(args.child, scales[0], args.workdir)
        return 0

    results = []
    for scale in scales:
        workdir = args.workdir / f"scale-{scale}"
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
        for step in args.steps.split(","):
            measured = _measure(step, scale, workdir)
            results.append(measured)
            print(
                f"scale {scale:<6} {step:<9} {measured['seconds']:>8.1f} s  "
                f"peak {measured['peak_rss_mib']:>6} MiB  ok={measured['ok']}",
                flush=True,
            )
        rows = _rows(workdir)
        results.append({"scale": scale, "raw_rows": rows})
        print(f"scale {scale}: raw rows " + ", ".join(f"{t}={n:,}" for t, n in rows.items()))
    out = PROJECT_DIR / "artifacts" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
