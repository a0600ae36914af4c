"""Benchmark: read a large College Learn export (and a roster) through importers.read_file.

Generates the files with openpyxl's write-only mode (and csv) into a temporary directory, then times
``read_file`` and prints rows per second. Usage: ``python bench/import_read_bench.py [ROWS] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

from importers import read_file

TODAY = date(2026, 11, 28)
COURSES = [
    "Organised immigration crime - Module 1: Introduction to organised immigration crime",
    "Organised immigration crime - Module 2: Legislation and powers",
    "Organised immigration crime - Module 3: Incident types, investigative mindset and partner agencies",
    "Organised immigration crime - Module 4: Inland case study",
    "Data Protection and GDPR",
    "Health and safety induction",
]
STATUSES = ["Completed", "Completed", "In progress", "Not yet started"]
FIRST = ["Ann", "Ben", "Carys", "Dev", "Elin", "Farah", "Gareth", "Hui", "Imran", "Zoë"]
LAST = ["Lee", "Fox", "Kerr", "Jenkins", "Hale", "Adams", "Ní Bhraonáin", "O'Brien", "Baker", "Ellis"]
HEADERS = ["Staff number", "Email", "First name", "Last name", "Organisation", "Course", "Status", "Date completed"]


def college_learn_rows(n: int, seed: int = 1):
    """Yield n long-shape College Learn rows (Excel datetimes for completed ones)."""
    rnd = random.Random(seed)
    start = datetime(2023, 1, 1, 9, 0)
    for i in range(n):
        person = i // 6
        status = rnd.choice(STATUSES)
        done = None
        if status == "Completed":
            done = start + timedelta(days=rnd.randrange(1000), minutes=rnd.randrange(600))
        yield [f"S{person:06d}", f"p{person}@kent.police.uk", rnd.choice(FIRST), rnd.choice(LAST), "Kent Police",
               COURSES[i % 6], status, done]


def write_xlsx(path: Path, n: int) -> None:
    """A College Learn export of n rows under two title rows, written in write-only mode."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Completions")
    sheet.append(["College Learn: course completion report"])
    sheet.append([])
    sheet.append(HEADERS)
    for row in college_learn_rows(n):
        sheet.append(row)
    workbook.save(path)


def write_csv(path: Path, n: int) -> None:
    """The same export as UTF-8 CSV with text dates as Moodle writes them."""
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for row in college_learn_rows(n):
            row[7] = row[7].strftime("%d/%m/%y, %H:%M") if row[7] else ""
            writer.writerow(row)


def time_read(path: Path, repeat: int) -> float:
    """Best wall time of read_file over repeat runs; prints what was read."""
    data = path.read_bytes()
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        result = read_file("college-learn", data, path.name, today=TODAY)
        best = min(best, time.perf_counter() - started)
    print(f"{path.name}: {len(data) / 1e6:.1f} MB, {result.data_rows:,} data rows, {len(result.rows):,} module rows, "
          f"{result.skipped_other_courses:,} other courses, {len(result.errors)} errors")
    return best


def main() -> None:
    """Generate the files and print read timings."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("rows", type=int, nargs="?", default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name, writer in (("college_learn.xlsx", write_xlsx), ("college_learn.csv", write_csv)):
            path = Path(tmp) / name
            started = time.perf_counter()
            writer(path, args.rows)
            print(f"generated {name} in {time.perf_counter() - started:.1f} s")
            seconds = time_read(path, args.repeat)
            print(f"  read_file: {seconds:.2f} s best of {args.repeat}, {args.rows / seconds:,.0f} rows/s")


if __name__ == "__main__":
    main()
