"""Peak memory and time of reading hostile files: each read in a fresh process, beside a baseline process that
only imports the readers. The files are tests/importers/hostile.py's, built byte by byte.

    .venv/bin/python bench/hostile_bench.py

Every figure should be a refusal within a second and well under 500 MB (the baseline is about 40 MB).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from datetime import date
import importers
from tests.importers import hostile
case = sys.argv[2]
if case == "baseline":
    data, name = b"", ""
else:
    data, name = {
        "cell at XFD1048576": (lambda: hostile.far_cell("XFD1048576"), "x.xlsx"),
        "cell at xfd1048576 (lower case)": (lambda: hostile.far_cell("xfd1048576"), "x.xlsx"),
        "cell at Z1048576": (lambda: hostile.far_cell("Z1048576"), "x.xlsx"),
        "100 cells x one 9.9 MB shared string": (hostile.one_huge_shared_string, "x.xlsx"),
        "4,000 cells x one 30,000-character string": (lambda: hostile.one_huge_shared_string(4000, 30000), "x.xlsx"),
        "2,000 sheets": (hostile.many_sheets, "x.xlsx"),
        "49 MiB of commas (.csv)": (hostile.csv_of_commas, "x.csv"),
        "3 million empty rows (.csv)": (hostile.csv_of_many_short_lines, "x.csv"),
    }[case]
    data, name = data(), name
start = time.perf_counter()
outcome = "baseline"
if case != "baseline":
    try:
        result = importers.read_file("roster", data, name, today=date(2026, 12, 1))
        outcome = f"read ({len(result.rows)} rows)"
    except importers.FileRefused as exc:
        outcome = "refused: " + exc.message[:70]
elapsed = time.perf_counter() - start
print(json.dumps({"case": case, "size": len(data), "seconds": elapsed, "outcome": outcome,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

CASES = ["baseline", "cell at XFD1048576", "cell at xfd1048576 (lower case)", "cell at Z1048576",
         "100 cells x one 9.9 MB shared string", "4,000 cells x one 30,000-character string", "2,000 sheets",
         "49 MiB of commas (.csv)", "3 million empty rows (.csv)"]


def main() -> None:
    rows = []
    for case in CASES:
        out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), case], capture_output=True, text=True,
                             check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    base = rows[0]["peak_mb"]
    print(f"{'file':45} {'bytes':>11} {'seconds':>8} {'peak MB':>8} {'x base':>7}  outcome")
    for r in rows:
        print(f"{r['case']:45} {r['size']:>11,} {r['seconds']:>8.2f} {r['peak_mb']:>8.0f} "
              f"{r['peak_mb'] / base:>7.2f}  {r['outcome']}")


if __name__ == "__main__":
    main()
