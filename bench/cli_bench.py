"""CLI start-up benchmark: how long `lms --help` and `lms import --help` take, and how much memory they use.

Each command runs N times as a fresh subprocess, after one unmeasured warm-up run (so every run finds the bytecode
and OS file caches warm), in rounds: each command once per round, so a change in the machine's load falls on all of
them alike. For each it prints the median and fastest wall time, the median CPU time (user + system, which moves far
less than wall time on a busy machine) and the peak RSS of that one child (`ru_maxrss` from `os.wait4`), beside
baselines measured in the same run: `python -c pass` (the interpreter alone), `python -c "import click"` (the least
any click command line can load; the ratio column is to it) and `python -c "import flask.cli"` (the floor for this
command line: the `lms` group is a Flask `AppGroup`).

`--tree DIR` (repeatable) also times the two lms commands on another copy of the source, put first on
PYTHONPATH, so an earlier commit is measured in the same run, on the same load, as the working tree:

    git archive d48f817 lms importers | (mkdir -p /tmp/before && tar -x -C /tmp/before)
    .venv/bin/python bench/cli_bench.py --tree /tmp/before

Run: .venv/bin/python bench/cli_bench.py [-n 10] [--tree DIR]... [--json]
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
    ('python -c "import flask.cli" (floor)', [PYTHON, "-c", "import flask.cli"]),
    ("lms --help", [LMS, "--help"]),
    ("lms import --help", [LMS, "import", "--help"]),
]
BASELINE = 1


def run_once(argv: list[str], tree: str | None = None) -> tuple[float, float, int]:
    """Run argv once (with `tree` first on PYTHONPATH); return wall seconds, CPU seconds (user + system) and peak
    RSS in KB, of that child alone."""
    env = dict(os.environ)
    if tree:
        # The editable install's finder comes after PYTHONPATH in the import system, so `tree`'s lms is used.
        env["PYTHONPATH"] = os.pathsep.join(p for p in (tree, env.get("PYTHONPATH")) if p)
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}:\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss  # ru_maxrss: kilobytes on Linux


def measure(cases: list[tuple[str, list[str], str | None]], n: int) -> list[tuple[str, dict]]:
    """Time every case n times, in rounds (each case once per round), so a change in the machine's load over
    the run falls on every case alike."""
    for _, argv, tree in cases:
        run_once(argv, tree)  # warm-up: bytecode and file caches
    runs: list[list[tuple[float, float, int]]] = [[] for _ in cases]
    for _ in range(n):
        for i, (_, argv, tree) in enumerate(cases):
            runs[i].append(run_once(argv, tree))
    results = []
    for (label, _, _), timed in zip(cases, runs, strict=True):
        walls = [wall for wall, _, _ in timed]
        results.append((label, {"median_s": statistics.median(walls), "min_s": min(walls), "max_s": max(walls),
                                "cpu_s": statistics.median(cpu for _, cpu, _ in timed),
                                "peak_rss_mb": max(peak for _, _, peak in timed) / 1024}))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10, help="runs per command (default 10)")
    parser.add_argument("--tree", action="append", default=[], metavar="DIR",
                        help="also time the lms commands with DIR (a copy of the source) first on PYTHONPATH")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    cases = [(label, argv, None) for label, argv in CASES]
    for tree in args.tree:
        if not (Path(tree) / "lms" / "cli.py").is_file():
            raise SystemExit(f"{tree} has no lms/cli.py")
        cases += [(f"{label} [{tree}]", argv, tree) for label, argv in CASES if argv[0] == LMS]
    load_before = os.getloadavg()[0]
    results = measure(cases, args.n)
    base = results[BASELINE][1]["median_s"]
    if args.json:
        print(json.dumps({label: {**r, "x_baseline": r["median_s"] / base} for label, r in results}, indent=2))
        return
    load = f"{load_before:.2f} -> {os.getloadavg()[0]:.2f}"
    print(f"{args.n} runs each, {os.cpu_count()} CPUs, 1-minute load average {load}, Python {sys.version.split()[0]}")
    width = max(len(label) for label, _ in results) + 2
    print(f"{'command':<{width}} {'median':>8} {'fastest':>8} {'CPU':>8} {'peak RSS':>9} {'x baseline':>11}")
    for label, r in results:
        print(f"{label:<{width}} {r['median_s'] * 1000:>6.0f}ms {r['min_s'] * 1000:>6.0f}ms "
              f"{r['cpu_s'] * 1000:>6.0f}ms {r['peak_rss_mb']:>6.1f} MB {r['median_s'] / base:>10.2f}x")


if __name__ == "__main__":
    main()
