"""CLI start-up benchmark: how long `lms --help` and `lms import --help` take, and how much memory they use.

Each command runs N times as a fresh subprocess (after one unmeasured warm-up run, so every run finds the
bytecode cache and the OS file cache warm). For each it prints the median wall time, the fastest, and the peak
RSS of the child (from `os.wait4`'s resource usage, i.e. `ru_maxrss` of that one child), beside two baselines
measured in the same run: `python -c pass` (the interpreter alone) and `python -c "import click"` (the least any
click command line can load), and the ratio to the click baseline.

Run: .venv/bin/python bench/cli_bench.py [-n 10] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PYTHON = str(BIN / "python")
LMS = str(BIN / "lms")

CASES = [
    ("python -c pass", [PYTHON, "-c", "pass"]),
    ('python -c "import click" (baseline)', [PYTHON, "-c", "import click"]),
    ("lms --help", [LMS, "--help"]),
    ("lms import --help", [LMS, "import", "--help"]),
]
BASELINE = 1


def run_once(argv: list[str]) -> tuple[float, int]:
    """Run argv once; return (wall seconds, peak RSS in KB) of that child alone."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}:\n{err}")
    return wall, usage.ru_maxrss  # Linux: kilobytes


def measure(argv: list[str], n: int) -> dict:
    run_once(argv)  # warm-up: bytecode and file caches
    walls, rss = [], []
    for _ in range(n):
        wall, peak = run_once(argv)
        walls.append(wall)
        rss.append(peak)
    return {"median_s": statistics.median(walls), "min_s": min(walls), "max_s": max(walls),
            "peak_rss_mb": max(rss) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10, help="runs per command (default 10)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    results = [(label, measure(argv, args.n)) for label, argv in CASES]
    base = results[BASELINE][1]["median_s"]
    if args.json:
        print(json.dumps({label: {**r, "x_baseline": r["median_s"] / base} for label, r in results}, indent=2))
        return
    load = os.getloadavg()[0]
    print(f"{args.n} runs each, {os.cpu_count()} CPUs, load average {load:.2f}, {sys.version.split()[0]}")
    print(f"{'command':<38} {'median':>8} {'fastest':>8} {'peak RSS':>9} {'x baseline':>11}")
    for label, r in results:
        print(f"{label:<38} {r['median_s'] * 1000:>6.0f}ms {r['min_s'] * 1000:>6.0f}ms "
              f"{r['peak_rss_mb']:>6.1f} MB {r['median_s'] / base:>10.2f}x")


if __name__ == "__main__":
    main()
